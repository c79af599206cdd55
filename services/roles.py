"""Which role a person acts in now (PRODUCT.md §2): menus and commands follow it.

The active role only chooses what the person is shown. Rights never depend on it (the workflow
reads the roles held), and notifications reach the person whatever role is active.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import Person, Role

# The role a person acts in until they choose one: the one with the most to do in the bot.
DEFAULT_PREFERENCE = (Role.DIRECTOR, Role.STAFF, Role.TEACHER)
# The order in which roles are offered («Сменить роль»), as the product lists them.
DISPLAY_ORDER = (Role.TEACHER, Role.DIRECTOR, Role.STAFF)


class RoleNotHeld(Exception):
    """The person asked to act in a role they do not hold (an old or forged button)."""

    def __init__(self, role: Role) -> None:
        super().__init__(f"role {role} is not held")
        self.role = role


def held_roles(person: Person) -> list[Role]:
    """The roles the person holds, in the order they are offered."""
    roles = person.roles
    return [role for role in DISPLAY_ORDER if role in roles]


def effective_role(person: Person) -> Role:
    """The chosen role while it is still held; else director, staff, teacher, in that order.

    A role can disappear under a choice (an import changed the person's roles), so the stored
    choice is only a preference.
    """
    roles = person.roles
    if person.active_role is not None and person.active_role in roles:
        return person.active_role
    for role in DEFAULT_PREFERENCE:
        if role in roles:
            return role
    # Nobody is imported without a role; a listener is the least that anyone is.
    return Role.TEACHER


def has_several_roles(person: Person) -> bool:
    return len(person.roles) > 1


async def switch_role(session: AsyncSession, person: Person, role: Role) -> Role:
    """Make `role` the person's active role; raise `RoleNotHeld` if they do not hold it."""
    if role not in person.roles:
        raise RoleNotHeld(role)
    person.active_role = role
    await session.flush()
    return role
