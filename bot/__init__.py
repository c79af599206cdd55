"""Composition root of dpo-bot: settings, builders, the command line and the web app."""
