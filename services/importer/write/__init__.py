"""Step 3: writing a plan: bulk inserts and updates in chunks, and the workflow for changes.

The package: `writer` (the bulk writer and the workflow's refusals), `people` (organisations,
people, assessment results), `applications` (programs, groups, applications), `plan_write`
(the order of the writes).
"""

from __future__ import annotations

from services.importer.write.plan_write import _PlanWrite

__all__ = ["_PlanWrite"]
