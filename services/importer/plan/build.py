"""`_Plan`: step 2 as a whole: loading, planning every row, counting."""

from __future__ import annotations

import asyncio

from services.importer.plan.applications import _PlanApplications
from services.importer.plan.load import _PlanLoad
from services.importer.report import Counts, GroupMove, Transition
from services.importer.write import _PlanWrite
from services.labels import fold


class _Plan(_PlanLoad, _PlanApplications, _PlanWrite):
    """What a file changes, planned in memory against the database (step 2); `write` is step 3."""

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
