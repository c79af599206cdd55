"""Every Russian text the bot shows, by the names the handlers use (values are escaped by callers).

The words themselves live in ``locales/ru/*.ftl`` (a file per part of the bot); this package
only names them, a module per part (``entry``, ``decisions``, ``menus``, ``director``,
``teacher``, ``settings``, ``scheduled``, ``staff``), and re-exports every name so that
``texts.NAME`` works whatever the module. A constant is a plain text, a `Template` where the
handler fills in values (``.format(n=…)`` as before), or a function where the text depends on
a number (Russian plurals, chosen by Fluent) or on a list; a function's words are in
``functions.ftl``, the function itself sits with its part.
Every message is looked up when the package is imported, so a missing one fails at start-up.
"""

from __future__ import annotations

from handlers.texts import decisions, director, entry, menus, scheduled, settings, staff, teacher
from handlers.texts.decisions import *  # noqa: F403
from handlers.texts.director import *  # noqa: F403
from handlers.texts.entry import *  # noqa: F403
from handlers.texts.menus import *  # noqa: F403
from handlers.texts.scheduled import *  # noqa: F403
from handlers.texts.settings import *  # noqa: F403
from handlers.texts.staff import *  # noqa: F403
from handlers.texts.teacher import *  # noqa: F403

__all__ = [
    *decisions.__all__,
    *director.__all__,
    *entry.__all__,
    *menus.__all__,
    *scheduled.__all__,
    *settings.__all__,
    *staff.__all__,
    *teacher.__all__,
]
