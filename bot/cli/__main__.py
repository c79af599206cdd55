"""`python -m bot.cli`: the same as `dpo-bot`."""

from bot.cli import main

main()  # pragma: no cover
