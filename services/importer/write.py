"""Step 3: writing a plan: bulk inserts and updates in chunks, and the workflow for changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Application,
    AssessmentResult,
    AssessmentSection,
    Channel,
    Group,
    HistoryAction,
    HistoryEntry,
    Organization,
    OutboxPriority,
    Person,
    PersonRole,
    Program,
    Status,
)
from services import importer, notifications
from services.i18n import Message
from services.importer.columns import Col
from services.importer.records import (
    _Change,
    _chunks,
    _Group,
    _NewApplication,
    _Org,
    _Person,
    _Program,
    _Result,
    _Section,
)
from services.importer.report import (
    GroupMove,
    ImportReport,
    Transition,
    _Meter,
    transition_refused,
)
from services.importer.rows import _Problems
from services.labels import STATUS_LABELS, fold
from services.workflow import (
    Actor,
    GroupNotAllowed,
    StaleStatus,
    TransitionNotAllowed,
    WorkflowError,
    change_group,
    change_status,
)

# The tunables (`WRITE_CHUNK`, `READ_CHUNK`, ...) are read from the package at call time, so
# that setting them on `services.importer` (as the tests do) takes effect here.


class _PlanWrite:
    """The writing half of `_Plan` (`services.importer.plan`), which sets these attributes."""

    session: AsyncSession
    problems: _Problems
    report: ImportReport
    now: datetime
    orgs: dict[str, _Org]
    people: dict[str, _Person]
    programs: dict[str, _Program]
    groups: dict[tuple[_Program, str], _Group]
    sections: dict[str, _Section]
    results: dict[tuple[_Person, _Section], _Result]
    new_applications: list[_NewApplication]
    changes: list[_Change]

    # -- step 3: writing --

    async def write(self, meter: _Meter) -> None:
        writer = _Writer(self.session, meter, self._work())
        await self._write_organizations(writer)
        await self._write_people(writer)
        await self._write_programs(writer)
        await self._write_applications(writer)
        await self._write_results(writer)
        # New applications reach their schools' directors as cards, in this same transaction.
        await notifications.applications_arrived(
            self.session,
            self.report.new_applications,
            now=self.now,
            priority=OutboxPriority.BULK,
        )

    def _work(self) -> int:
        """Rows to write, for the progress bar."""
        return (
            sum(1 for org in self.orgs.values() if org.id is None or org.dirty)
            + sum(1 for p in self.people.values() if p.id is None or p.dirty or p.roles_dirty)
            + sum(1 for p in self.programs.values() if p.id is None or p.dirty)
            + sum(1 for g in self.groups.values() if g.id is None or g.dirty)
            + 2 * len(self.new_applications)
            + len(self.changes)
            + sum(1 for s in self.sections.values() if s.id is None)
            + sum(1 for r in self.results.values() if r.id is None or r.dirty)
        )

    async def _write_organizations(self, writer: _Writer) -> None:
        new = [org for org in self.orgs.values() if org.id is None]
        by_name = {org.name: org for org in new}
        rows = [{"name": org.name, "municipality": org.municipality} for org in new]
        for org_id, name in await writer.insert(Organization, rows, Organization.name):
            by_name[name].id = org_id
        await writer.update(
            Organization,
            [
                {"id": org.id, "municipality": org.municipality}
                for org in self.orgs.values()
                if org.dirty
            ],
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

    async def _write_programs(self, writer: _Writer) -> None:
        def values(program: _Program) -> dict[str, Any]:
            return {
                "title": program.title,
                "hours": program.hours,
                "form": program.form,
                "categories": program.categories,
                "competencies": program.competencies,
                "provider": program.provider,
            }

        new = [program for program in self.programs.values() if program.id is None]
        by_title = {program.title: program for program in new}
        inserted = await writer.insert(Program, [values(p) for p in new], Program.title)
        for program_id, title in inserted:
            by_title[title].id = program_id
        await writer.update(
            Program,
            [{"id": p.id, **values(p)} for p in self.programs.values() if p.dirty],
        )

        def group_values(group: _Group) -> dict[str, Any]:
            start, end = group.study or (None, None)
            return {
                "program_id": group.program.id,
                "name": group.name,
                "description": group.description,
                "study_start": start,
                "study_end": end,
            }

        new_groups = [group for group in self.groups.values() if group.id is None]
        by_key = {(group.program.id, group.name): group for group in new_groups}
        inserted = await writer.insert(
            Group, [group_values(g) for g in new_groups], Group.program_id, Group.name
        )
        for group_id, program_id, name in inserted:
            by_key[(program_id, name)].id = group_id
        await writer.update(
            Group,
            [{"id": g.id, **group_values(g)} for g in self.groups.values() if g.dirty],
        )

    async def _write_applications(self, writer: _Writer) -> None:
        session, now = self.session, self.now
        rows = [
            {
                "number": new.row.number,
                "applicant_id": new.applicant.id,
                "organization_id": new.org.id,
                "kind": new.row.kind,
                "group_id": new.group.id,
                "status": new.row.status,
                "submitted_on": new.row.submitted_on,
                "created_at": now,
                "updated_at": now,
            }
            for new in self.new_applications
        ]
        ids: dict[int, int] = {}
        for application_id, number in await writer.insert(Application, rows, Application.number):
            ids[number] = application_id
        history = [
            {
                "application_id": ids[new.row.number],
                "created_at": now,
                "actor_id": None,
                "on_behalf_of_id": None,
                "actor_role": "system",
                "channel": Channel.IMPORT,
                "action": HistoryAction.CREATED,
                "from_value": None,
                "to_value": new.row.status.value,
                "comment": None,
            }
            for new in self.new_applications
        ]
        await writer.insert(HistoryEntry, history)
        self.report.new_applications.extend(
            ids[new.row.number] for new in self.new_applications if new.row.status is Status.NEW
        )

        await writer.update(
            Application,
            [
                {
                    "id": change.stored.id,
                    "organization_id": change.org.id,
                    "kind": change.row.kind,
                    "submitted_on": change.row.submitted_on or change.stored.submitted_on,
                    "updated_at": now,
                }
                for change in self.changes
                if change.fields
            ],
            count=False,
        )
        # Status and group changes go through the workflow one by one: history, and whatever
        # else the workflow does on a change (notifications), stay in one place.
        moving = [c for c in self.changes if c.group is not None or c.status is not None]
        actor = Actor.system(Channel.IMPORT)
        for chunk in _chunks(moving, importer.WORKFLOW_CHUNK):
            loaded = {
                application.id: application
                for application in await session.scalars(
                    select(Application)
                    .where(Application.id.in_([change.stored.id for change in chunk]))
                    .execution_options(populate_existing=True)
                )
            }
            for change in chunk:
                application = loaded[change.stored.id]
                await self._apply(application, change, actor)
            writer.advance(len(chunk))
        writer.advance(len(self.changes) - len(moving))

    async def _apply(self, application: Application, change: _Change, actor: Actor) -> None:
        row = change.row
        try:
            if change.group is not None:
                assert change.group.id is not None
                moved = await change_group(
                    self.session, application, change.group.id, actor, now=self.now
                )
                self.report.group_changes.append(
                    GroupMove(row.number, moved.old_group.name, moved.new_group.name)
                )
        except WorkflowError as exc:
            self.problems.error(row.sheet, row.line, Col.GROUP, row.group, _refusal(exc))
            return
        try:
            if change.status is not None:
                done = await change_status(
                    self.session,
                    application,
                    change.status,
                    actor,
                    seen=change.stored.status,
                    now=self.now,
                )
                self.report.transitions.append(Transition(row.number, done.old, done.new))
        except WorkflowError as exc:
            self.problems.error(
                row.sheet, row.line, Col.STATUS, STATUS_LABELS[row.status], _refusal(exc)
            )

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


def _refusal(exc: WorkflowError) -> Message:
    """The workflow's refusal in the operator's words."""
    if isinstance(exc, TransitionNotAllowed):
        return transition_refused(exc.current, exc.target)
    if isinstance(exc, StaleStatus):
        # Someone changed the application while the file was being imported.
        now = STATUS_LABELS[exc.current]
        return Message.of("import-changed-meanwhile", now=now)
    if isinstance(exc, GroupNotAllowed):
        return Message.of("import-group-change-refused")
    name = exc.__class__.__name__
    return Message.of("import-change-refused", name=name)


class _Writer:
    """Bulk INSERT (with RETURNING of the keys) and bulk UPDATE by primary key, in chunks."""

    def __init__(self, session: AsyncSession, meter: _Meter, work: int) -> None:
        self.session = session
        self.meter = meter
        self.work = max(work, 1)
        self.done = 0

    def advance(self, rows: int) -> None:
        self.done += rows
        self.meter.wrote(self.done / self.work)

    async def insert(
        self, model: type[Any], rows: list[dict[str, Any]], *keys: Any, count: bool = True
    ) -> list[tuple[Any, ...]]:
        # Core inserts on the table: the ORM's bulk path costs several times more per row, and
        # these rows need none of it (no relationships, every value given).
        table = model.__table__
        statement = insert(table)
        if keys:
            statement = statement.returning(table.c.id, *(table.c[key.key] for key in keys))
        returned: list[tuple[Any, ...]] = []
        for chunk in _chunks(rows, importer.WRITE_CHUNK):
            result = await self.session.execute(statement, list(chunk))
            if keys:
                returned.extend(tuple(row) for row in result)
            if count:
                self.advance(len(chunk))
        return returned

    async def update(
        self, model: type[Any], rows: list[dict[str, Any]], *, count: bool = True
    ) -> None:
        for chunk in _chunks(rows, importer.WRITE_CHUNK):
            await self.session.execute(update(model), list(chunk))
            if count:
                self.advance(len(chunk))
