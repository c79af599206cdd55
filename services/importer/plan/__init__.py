"""Step 2: planning against the database: what a file creates, changes and leaves alone.

The package: `state` (what a plan holds), `load` (what the file refers to), `people`
(organisations, people, assessment results), `applications` (programs, groups, applications),
`build` (the plan as a whole).
"""

from __future__ import annotations

from services.importer.plan.build import _Plan

__all__ = ["_Plan"]
