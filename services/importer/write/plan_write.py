"""`_PlanWrite`: step 3 in order, from organisations to assessment results."""

from __future__ import annotations

from models import OutboxPriority
from services import notifications
from services.importer.report import _Meter
from services.importer.write.applications import _WriteApplications
from services.importer.write.people import _WritePeople
from services.importer.write.writer import _Writer


class _PlanWrite(_WritePeople, _WriteApplications):
    """The writing half of `_Plan` (`services.importer.plan`), which sets the attributes."""

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
