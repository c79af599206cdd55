"""Step 2: planning against the database: what a file creates, changes and leaves alone."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
    Status,
)
from services.i18n import Message
from services.importer.columns import Col
from services.importer.records import (
    _Change,
    _Group,
    _NewApplication,
    _Org,
    _Person,
    _Program,
    _Result,
    _rows_by_key,
    _Section,
    _show,
    _Stored,
)
from services.importer.report import (
    Counts,
    GroupMove,
    ImportReport,
    Transition,
    transition_refused,
)
from services.importer.rows import _ApplicationRow, _Parsed, _PersonRow, _ResultRow
from services.importer.write import _PlanWrite
from services.labels import STATUS_LABELS, fold
from services.workflow import TRANSITIONS


class _Plan(_PlanWrite):
    """What a file changes, planned in memory against the database (step 2); `write` is step 3."""

    def __init__(
        self, session: AsyncSession, parsed: _Parsed, report: ImportReport, now: datetime
    ) -> None:
        self.session = session
        self.parsed = parsed
        self.problems = parsed.problems
        self.report = report
        self.now = now
        self.orgs: dict[str, _Org] = {}
        self.orgs_by_id: dict[int, _Org] = {}
        self.people: dict[str, _Person] = {}
        self.programs: dict[str, _Program] = {}
        self.groups: dict[tuple[_Program, str], _Group] = {}
        self.groups_by_id: dict[int, _Group] = {}
        self.stored: dict[int, _Stored] = {}
        self.sections: dict[str, _Section] = {}
        self.results: dict[tuple[_Person, _Section], _Result] = {}
        self.new_applications: list[_NewApplication] = []
        self.changes: list[_Change] = []
        self.unchanged_applications = 0

    # -- loading --

    async def load(self) -> None:
        """What the file refers to, in a few queries (lists, never one query per row)."""
        session, parsed = self.session, self.parsed
        for org_id, name, municipality in await session.execute(
            select(Organization.id, Organization.name, Organization.municipality).order_by(
                Organization.id
            )
        ):
            org = _Org(org_id, name, municipality)
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

    # -- planning --

    async def build(self) -> None:
        for index, person_row in enumerate(self.parsed.people, start=1):
            self._plan_person(person_row)
            if index % 5000 == 0:
                await asyncio.sleep(0)  # let the bot's other updates through
        for index, application_row in enumerate(self.parsed.applications, start=1):
            self._plan_application(application_row)
            if index % 5000 == 0:
                await asyncio.sleep(0)
        for result_row in self.parsed.results:
            self._plan_result(result_row)

    def _org(self, name: str, municipality: str, row: _PersonRow | None) -> _Org:
        key = fold(name)
        org = self.orgs.get(key)
        if org is None:
            org = self.orgs[key] = _Org(None, name, municipality)
        elif municipality and org.municipality != municipality:
            if not org.municipality:
                org.municipality = municipality
                org.dirty = org.id is not None
            elif row is not None and not org.warned:
                # Filled only when empty (PRODUCT.md §7.3); a different one is worth a note.
                org.warned = True
                self.problems.warning(
                    row.sheet,
                    row.line,
                    Col.MUNICIPALITY,
                    municipality,
                    Message.of("import-municipality-kept", municipality=org.municipality),
                )
        org.touched = True
        return org

    def _plan_person(self, row: _PersonRow) -> None:
        org = self._org(row.organization, row.municipality, row)
        person = self.people.get(row.code)
        if person is None:
            person = _Person(None, row.code, row.full_name, row.phone, org, row.roles)
            self.people[row.code] = person
        else:
            if (person.full_name, person.phone, person.org) != (row.full_name, row.phone, org):
                person.full_name, person.phone, person.org = row.full_name, row.phone, org
                person.dirty = person.id is not None
            if person.roles != row.roles:
                person.roles = row.roles
                person.roles_dirty = person.id is not None
        person.touched = True

    def _assign(
        self,
        record: _Program | _Group,
        attribute: str,
        value: object,
        row: _ApplicationRow,
        column: str,
    ) -> None:
        """Take a program's or group's attribute from the first row of the file that gives it."""
        if value is None:
            return
        given = record.given.get(attribute)
        if given is not None:
            line, first = given
            if first != value:
                self.problems.warning(
                    row.sheet,
                    row.line,
                    column,
                    _show(value),
                    Message.of("import-differs", line=line, first=_show(first)),
                )
            return
        record.given[attribute] = (row.line, value)
        if getattr(record, attribute) != value:
            setattr(record, attribute, value)
            record.dirty = record.id is not None

    def _program(self, row: _ApplicationRow) -> _Program:
        key = fold(row.program)
        program = self.programs.get(key)
        if program is None:
            program = self.programs[key] = _Program(None, row.program, None, "", "", "", "")
        self._assign(program, "hours", row.hours, row, Col.HOURS)
        self._assign(program, "form", row.form, row, Col.FORM)
        self._assign(program, "categories", row.categories, row, Col.CATEGORIES)
        self._assign(program, "competencies", row.competencies, row, Col.COMPETENCIES)
        self._assign(program, "provider", row.provider, row, Col.PROVIDER)
        program.touched = True
        return program

    def _group(self, program: _Program, row: _ApplicationRow) -> _Group:
        key = (program, fold(row.group))
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Group(None, program, row.group, "", None)
        self._assign(group, "description", row.description, row, Col.GROUP_DESCRIPTION)
        self._assign(group, "study", row.study, row, Col.DATES)
        group.touched = True
        return group

    def _plan_application(self, row: _ApplicationRow) -> None:
        org = self._org(row.organization, "", None)
        applicant = self.people.get(row.applicant_code)
        if applicant is None:
            # Unknown applicants become listeners of the row's school (PRODUCT.md §7.3).
            applicant = _Person(
                None, row.applicant_code, row.applicant, None, org, frozenset({Role.TEACHER})
            )
            applicant.touched = True
            self.people[row.applicant_code] = applicant
        elif applicant.org is not None and applicant.org is not org:
            self.problems.error(
                row.sheet,
                row.line,
                Col.ORGANIZATION,
                row.organization,
                Message.of(
                    "import-other-organization",
                    applicant=row.applicant_code,
                    organization=applicant.org.name,
                ),
            )
            return
        group = self._group(self._program(row), row)
        stored = self.stored.get(row.number)
        if stored is None:
            self.new_applications.append(_NewApplication(row, applicant, org, group))
            return

        if stored.applicant_code != row.applicant_code:
            self.problems.error(
                row.sheet,
                row.line,
                Col.APPLICANT_CODE,
                row.applicant_code,
                Message.of(
                    "import-other-applicant", number=row.number, applicant=stored.applicant_code
                ),
            )
            return
        target: Status | None = None
        if row.status is not stored.status:
            if (stored.status, row.status) not in TRANSITIONS:
                self.problems.error(
                    row.sheet,
                    row.line,
                    Col.STATUS,
                    STATUS_LABELS[row.status],
                    transition_refused(stored.status, row.status),
                )
                return
            target = row.status
        old_group = self.groups_by_id[stored.group_id]
        fields = (
            org.id != stored.organization_id
            or row.kind is not stored.kind
            or (row.submitted_on is not None and row.submitted_on != stored.submitted_on)
        )
        moved = group if group is not old_group else None
        if fields or moved is not None or target is not None:
            self.changes.append(_Change(stored, row, org, fields, moved, old_group.name, target))
        else:
            self.unchanged_applications += 1

    def _plan_result(self, row: _ResultRow) -> None:
        person = self.people.get(row.code)
        if person is None:
            self.problems.error(
                row.sheet,
                row.line,
                Col.CODE,
                row.code,
                Message.of("import-unknown-person"),
            )
            return
        key = fold(row.section)
        section = self.sections.get(key)
        if section is None:
            section = self.sections[key] = _Section(None, row.section)
        section.touched = True
        result = self.results.get((person, section))
        if result is None:
            self.results[(person, section)] = _Result(None, person, section, row.passed)
        elif result.passed != row.passed:
            result.passed = row.passed
            result.dirty = True

    def count(self) -> None:
        report = self.report

        def tally(counts: Counts, created: bool, updated: bool) -> None:
            if created:
                counts.created += 1
            elif updated:
                counts.updated += 1
            else:
                counts.unchanged += 1

        for org in self.orgs.values():
            if org.touched:
                tally(report.organizations, org.id is None, org.dirty)
        for person in self.people.values():
            if person.touched:
                tally(report.people, person.id is None, person.dirty or person.roles_dirty)
        for program in self.programs.values():
            if program.touched:
                tally(report.programs, program.id is None, program.dirty)
        for group in self.groups.values():
            if group.touched:
                tally(report.groups, group.id is None, group.dirty)
        report.applications.created = len(self.new_applications)
        report.applications.updated = len(self.changes)
        report.applications.unchanged = self.unchanged_applications
        for section in self.sections.values():
            if section.touched:
                tally(report.sections, section.id is None, False)
        touched_results = {(row.code, fold(row.section)) for row in self.parsed.results}
        for (person, section), result in self.results.items():
            if (person.code, fold(section.name)) in touched_results:
                tally(report.results, result.id is None, result.dirty)

    def planned_transitions(self) -> list[Transition]:
        return [
            Transition(change.stored.number, change.stored.status, change.status)
            for change in self.changes
            if change.status is not None
        ]

    def planned_group_moves(self) -> list[GroupMove]:
        return [
            GroupMove(change.stored.number, change.old_group, change.group.name)
            for change in self.changes
            if change.group is not None
        ]
