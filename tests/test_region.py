"""The region's constants are named once: a second copy could drift from the first unseen."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from bot.api import inputs
from bot.settings import Settings
from services import workflow
from services.region import DEFAULT_TIMEZONE, DEFAULT_TZ

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "services", "models")


def _files_naming(text: str) -> list[str]:
    return sorted(
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if text in path.read_text(encoding="utf-8")
    )


def test_the_time_zone_is_named_in_one_file() -> None:
    assert _files_naming('"Asia/Yekaterinburg"') == ["services/region.py"]


def test_the_settings_default_is_the_region_zone() -> None:
    assert Settings.model_fields["timezone"].default == DEFAULT_TIMEZONE
    assert ZoneInfo(DEFAULT_TIMEZONE) == DEFAULT_TZ


def test_the_api_comment_limit_is_the_workflow_one() -> None:
    # The API schema states the limit the workflow enforces: a longer comment is refused alike.
    comment = inputs.StatusIn.model_json_schema()["properties"]["comment"]["anyOf"][0]
    assert comment["maxLength"] == workflow.COMMENT_MAX_LENGTH
