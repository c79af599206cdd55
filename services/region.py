"""The region the bot serves: its time zone, named once.

Every default of "today" and of the digest's hour is read in this zone (the Chelyabinsk region
keeps Yekaterinburg time); `Settings.timezone` defaults to the same name, and the services'
`tz=` defaults are this zone, so a call without settings agrees with the running bot.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Yekaterinburg"
DEFAULT_TZ = ZoneInfo(DEFAULT_TIMEZONE)
