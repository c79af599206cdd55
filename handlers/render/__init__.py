"""What the bot sends on its own: cards, notifications, digests and reminders, the chart.

Renderers turn committed data into text and keyboards; they hold no routers and answer no
update, so the outbox and the scheduler use them as the screens do.
"""
