"""Writing organisations, people with their roles, and assessment sections with their results."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from models import AssessmentResult, AssessmentSection, Organization, Person, PersonRole
from services import importer
from services.importer.records import _chunks, _Org, _Person
from services.importer.write.writer import _Writer, _WriteState
from services.labels import fold

# The tunables (`WRITE_CHUNK`, `READ_CHUNK`, ...) are read from the package at call time, so
# that setting them on `services.importer` (as the tests do) takes effect here.


class _WritePeople(_WriteState):
    """Organisations, people and assessment results of a plan, written in bulk."""

    async def _write_organizations(self, writer: _Writer) -> None:
        new = [org for org in self.orgs.values() if org.id is None]
        by_name = {org.name: org for org in new}
        rows = [{"name": org.name, **_org_values(org)} for org in new]
        for org_id, name in await writer.insert(Organization, rows, Organization.name):
            by_name[name].id = org_id
        await writer.update(
            Organization,
            [{"id": org.id, **_org_values(org)} for org in self.orgs.values() if org.dirty],
        )

    async def _write_people(self, writer: _Writer) -> None:
        new = [person for person in self.people.values() if person.id is None]
        rows = [self._person_values(person) for person in new]
        for person_id, code in await writer.insert(Person, rows, Person.code):
            self.people[code].id = person_id
        changed = [person for person in self.people.values() if person.dirty]
        await writer.update(
            Person, [{"id": person.id, **self._person_values(person)} for person in changed]
        )
        # A person's roles are replaced by the file's set.
        replaced = [person.id for person in self.people.values() if person.roles_dirty]
        for chunk in _chunks(replaced, importer.READ_CHUNK):
            await self.session.execute(
                delete(PersonRole)
                .where(PersonRole.person_id.in_(chunk))
                .execution_options(synchronize_session=False)
            )
        created = set(new)
        roles = [
            {"person_id": person.id, "role": role}
            for person in self.people.values()
            if person.roles_dirty or person in created
            for role in sorted(person.roles)
        ]
        await writer.insert(PersonRole, roles, count=False)

    def _person_values(self, person: _Person) -> dict[str, Any]:
        values: dict[str, Any] = {
            "full_name": person.full_name,
            "name_key": fold(person.full_name),
            "phone": person.phone,
            "organization_id": person.org.id if person.org is not None else None,
            "updated_at": self.now,
        }
        if person.id is None:
            values["code"] = person.code
            values["created_at"] = self.now
        return values

    async def _write_results(self, writer: _Writer) -> None:
        new_sections = [section for section in self.sections.values() if section.id is None]
        by_name = {section.name: section for section in new_sections}
        inserted = await writer.insert(
            AssessmentSection,
            [{"name": section.name} for section in new_sections],
            AssessmentSection.name,
        )
        for section_id, name in inserted:
            by_name[name].id = section_id
        results = list(self.results.values())
        await writer.insert(
            AssessmentResult,
            [
                {
                    "person_id": result.person.id,
                    "section_id": result.section.id,
                    "passed": result.passed,
                    "updated_at": self.now,
                }
                for result in results
                if result.id is None
            ],
        )
        await writer.update(
            AssessmentResult,
            [
                {"id": result.id, "passed": result.passed, "updated_at": self.now}
                for result in results
                if result.dirty
            ],
        )


def _org_values(org: _Org) -> dict[str, object]:
    return {"municipality": org.municipality, "timezone": org.timezone, "region": org.region}
