"""Alembic migrations; run with `dpo-bot migrate` (see `bot.migrate`)."""
