"""Loading what a file refers to from the database, in a few queries."""

from __future__ import annotations

from sqlalchemy import select

from models import (
    Application,
    AssessmentResult,
    AssessmentSection,
    Group,
    Organization,
    Person,
    PersonRole,
    Program,
    Role,
)
from services.importer.plan.state import _PlanState
from services.importer.records import (
    _Group,
    _Org,
    _Person,
    _Program,
    _Result,
    _rows_by_key,
    _Section,
    _Stored,
)
from services.labels import fold


class _PlanLoad(_PlanState):
    """Organisations, people, programs, groups, applications and results a file names."""

    # -- loading --

    async def load(self) -> None:
        """What the file refers to, in a few queries (lists, never one query per row)."""
        session, parsed = self.session, self.parsed
        for org_id, name, municipality, zone, region in await session.execute(
            select(
                Organization.id,
                Organization.name,
                Organization.municipality,
                Organization.timezone,
                Organization.region,
            ).order_by(Organization.id)
        ):
            org = _Org(org_id, name, municipality, zone, region)
            self.orgs_by_id[org_id] = org
            self.orgs.setdefault(fold(name), org)

        codes = sorted(
            {row.code for row in parsed.people}
            | {row.applicant_code for row in parsed.applications}
            | {row.code for row in parsed.results}
        )
        found = await _rows_by_key(
            session,
            select(
                Person.id,
                Person.code,
                Person.full_name,
                Person.phone,
                Person.organization_id,
            ),
            Person.code,
            codes,
        )
        roles: dict[int, set[Role]] = {}
        for person_id, role in await _rows_by_key(
            session,
            select(PersonRole.person_id, PersonRole.role),
            PersonRole.person_id,
            [person.id for person in found],
        ):
            roles.setdefault(person_id, set()).add(role)
        for person_id, code, full_name, phone, org_id in found:
            self.people[code] = _Person(
                person_id,
                code,
                full_name,
                phone,
                self.orgs_by_id.get(org_id) if org_id is not None else None,
                frozenset(roles.get(person_id, ())),
            )

        if parsed.applications:
            await self._load_applications()
        if parsed.results:
            await self._load_results()

    async def _load_applications(self) -> None:
        session = self.session
        programs_by_id: dict[int, _Program] = {}
        for program_row in await session.execute(
            select(
                Program.id,
                Program.title,
                Program.hours,
                Program.form,
                Program.categories,
                Program.competencies,
                Program.provider,
            ).order_by(Program.id)
        ):
            record = _Program(*program_row._tuple())
            programs_by_id[program_row.id] = record
            self.programs.setdefault(fold(record.title), record)
        for group_id, program_id, name, description, start, end in await session.execute(
            select(
                Group.id,
                Group.program_id,
                Group.name,
                Group.description,
                Group.study_start,
                Group.study_end,
            ).order_by(Group.id)
        ):
            program = programs_by_id[program_id]
            study = (start, end) if start is not None and end is not None else None
            group = _Group(group_id, program, name, description, study)
            self.groups_by_id[group_id] = group
            self.groups.setdefault((program, fold(name)), group)

        for row in await _rows_by_key(
            session,
            select(
                Application.id,
                Application.number,
                Person.code,
                Application.organization_id,
                Application.kind,
                Application.group_id,
                Application.status,
                Application.submitted_on,
            ).join(Person, Person.id == Application.applicant_id),
            Application.number,
            [row.number for row in self.parsed.applications],
        ):
            self.stored[row.number] = _Stored(
                row.id,
                row.number,
                row.code,
                row.organization_id,
                row.kind,
                row.group_id,
                row.status,
                row.submitted_on,
            )

    async def _load_results(self) -> None:
        session = self.session
        sections_by_id: dict[int, _Section] = {}
        for section_id, name in await session.execute(
            select(AssessmentSection.id, AssessmentSection.name).order_by(AssessmentSection.id)
        ):
            section = _Section(section_id, name)
            sections_by_id[section_id] = section
            self.sections.setdefault(fold(name), section)
        people_by_id = {person.id: person for person in self.people.values()}
        for result_id, person_id, section_id, passed in await _rows_by_key(
            session,
            select(
                AssessmentResult.id,
                AssessmentResult.person_id,
                AssessmentResult.section_id,
                AssessmentResult.passed,
            ),
            AssessmentResult.person_id,
            [person_id for person_id in people_by_id if person_id is not None],
        ):
            person = people_by_id[person_id]
            section = sections_by_id[section_id]
            self.results[(person, section)] = _Result(result_id, person, section, passed)
