"""Planning programs, groups and applications, with status and group changes."""

from __future__ import annotations

from models import Role, Status
from services.i18n import Message
from services.importer.columns import Col
from services.importer.plan.people import _PlanPeople
from services.importer.records import _Change, _Group, _NewApplication, _Person, _Program
from services.importer.report import transition_refused
from services.importer.rows import _ApplicationRow
from services.labels import STATUS_LABELS, fold
from services.workflow import TRANSITIONS


class _PlanApplications(_PlanPeople):
    """The rows of applications, planned against what was loaded."""

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
