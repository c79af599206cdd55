"""The workflow of dpo-bot: plain async functions over a session. Nothing here imports aiogram."""
