"""Planning organisations, people and assessment results."""

from __future__ import annotations

from services.i18n import Message
from services.importer.columns import Col
from services.importer.plan.state import _PlanState
from services.importer.records import (
    _Group,
    _Org,
    _Person,
    _Program,
    _Result,
    _Section,
    _show,
)
from services.importer.rows import _ApplicationRow, _PersonRow, _ResultRow
from services.labels import fold


class _PlanPeople(_PlanState):
    """The rows of people and of assessment results, planned against what was loaded."""

    def _assign(
        self,
        record: _Org | _Program | _Group,
        attribute: str,
        value: object,
        row: _PersonRow | _ApplicationRow,
        column: str,
    ) -> None:
        """Take a school's, program's or group's attribute from the first row of the file that
        gives it; a later row that differs gets a warning."""
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
        # An empty cell leaves the school's clock and region as they are.
        self._assign(org, "timezone", row.timezone, row, Col.TIMEZONE)
        self._assign(org, "region", row.region, row, Col.REGION)
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
