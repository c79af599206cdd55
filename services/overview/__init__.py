"""Staff views (PRODUCT.md §4.4): the region overview and the queue of approved applications.

Reads for the staff's screens, split by screen: `summary` (the overview) and `staff_queue` (the
queue and its filters); every public name is importable from `services.overview` itself. The
staff's writes (inclusion, cancellation, group change) go through the workflow.
"""

from __future__ import annotations

from services.overview.staff_queue import (
    Choice,
    QueueEntry,
    QueueFilter,
    choices,
    count_choices,
    label_of,
    queue,
    queue_count,
    queue_ids,
)
from services.overview.summary import (
    Director,
    Escalated,
    Overview,
    Place,
    load_overview,
)

__all__ = [
    "Choice",
    "Director",
    "Escalated",
    "Overview",
    "Place",
    "QueueEntry",
    "QueueFilter",
    "choices",
    "count_choices",
    "label_of",
    "load_overview",
    "queue",
    "queue_count",
    "queue_ids",
]
