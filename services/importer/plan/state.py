"""`_PlanState`: what a plan holds while it is loaded and built."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.importer.records import (
    _Change,
    _Group,
    _NewApplication,
    _Org,
    _Person,
    _Program,
    _Result,
    _Section,
    _Stored,
)
from services.importer.report import ImportReport
from services.importer.rows import _Parsed


class _PlanState:
    """What the file refers to and what it changes, kept in memory during step 2."""

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
