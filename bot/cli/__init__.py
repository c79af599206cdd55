"""The operator's command line: `dpo-bot` (PRODUCT.md §7.1).

The group and its helpers are in `bot.cli.group`; each module beside it adds its commands.
"""

from __future__ import annotations

from bot.cli import backup, demo, files, invitations, passes, privacy, serve
from bot.cli.group import StopRequested, main
from bot.cli.logs import SafeFormatter

__all__ = [
    "SafeFormatter",
    "StopRequested",
    "backup",
    "demo",
    "files",
    "invitations",
    "main",
    "passes",
    "privacy",
    "serve",
]
