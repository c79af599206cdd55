"""Who may do what to an application: the rule tables and the actor.

Kept apart from the code that applies them, so that the screens (which buttons a card offers) and
the import's planner read the same tables the workflow enforces.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models import Channel, Status


class Capacity(StrEnum):
    """In what capacity a person acts on an application."""

    APPLICANT = "teacher"
    DIRECTOR = "director"
    DEPUTY = "deputy"
    STAFF = "staff"
    SYSTEM = "system"  # the operator's import, trusted like the regional system itself


_DIRECTORS = frozenset({Capacity.DIRECTOR, Capacity.DEPUTY})

TRANSITIONS: dict[tuple[Status, Status], frozenset[Capacity]] = {
    (Status.NEW, Status.APPROVED): _DIRECTORS,
    (Status.NEW, Status.CANCELLED): _DIRECTORS | {Capacity.APPLICANT, Capacity.STAFF},
    (Status.APPROVED, Status.INCLUDED): frozenset({Capacity.STAFF}),
    (Status.APPROVED, Status.CANCELLED): _DIRECTORS | {Capacity.APPLICANT, Capacity.STAFF},
    (Status.INCLUDED, Status.CANCELLED): frozenset({Capacity.APPLICANT, Capacity.STAFF}),
}

# Who may move an application to another group, and while in which statuses.
GROUP_CHANGE: dict[Capacity, frozenset[Status]] = {
    Capacity.DIRECTOR: frozenset({Status.NEW}),
    Capacity.DEPUTY: frozenset({Status.NEW}),
    Capacity.STAFF: frozenset({Status.NEW, Status.APPROVED}),
    Capacity.SYSTEM: frozenset(Status),
}

# When a person holds several capacities, the one recorded is the first that may act.
_PREFERENCE = (
    Capacity.SYSTEM,
    Capacity.DIRECTOR,
    Capacity.DEPUTY,
    Capacity.STAFF,
    Capacity.APPLICANT,
)


@dataclass(frozen=True)
class Actor:
    """Who acts: a person (by id) through a channel, or the system (operator's import)."""

    person_id: int | None
    channel: Channel
    # The capacity the person means to act in (the applicant on their own «Мои заявки»), when
    # they hold several; otherwise the first of `_PREFERENCE` that may act.
    acting_as: Capacity | None = None

    @classmethod
    def system(cls, channel: Channel = Channel.IMPORT) -> Actor:
        return cls(person_id=None, channel=channel)


@dataclass(frozen=True)
class Authority:
    capacities: frozenset[Capacity]
    # The director a deputy acts for (recorded in history).
    on_behalf_of_id: int | None = None


def pick_capacity(
    have: frozenset[Capacity], allowed: frozenset[Capacity], prefer: Capacity | None = None
) -> Capacity | None:
    if prefer is not None and prefer in have and prefer in allowed:
        return prefer
    for capacity in _PREFERENCE:
        if capacity in have and capacity in allowed:
            return capacity
    return None
