"""Data for a benchmark session, written straight into the bot's database by Core inserts.

Each school has a linked director who accepted the consent, a few linked teachers and the
teachers' new applications. Every application also has a card in the director's chat: the
message is planted into the fake server (as if sent yesterday) and recorded in `card_messages`,
so the bot refreshes it after the decision, as it would in production.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from bench.fake import BenchTelegram
from bot.fakeapi import User
from handlers.director.callbacks import CardAction, CardCb, status_code
from models import (
    Application,
    CardMessage,
    ConsentRecord,
    DigestLog,
    Group,
    Kind,
    Organization,
    Person,
    PersonRole,
    Program,
    Role,
    Status,
)
from models.engine import create_engine

CONSENT_VERSION = "2024-1"  # Settings.consent_version's default
TZ = ZoneInfo("Asia/Yekaterinburg")  # Settings.timezone's default
DIRECTOR_IDS = 5_000_000
TEACHER_IDS = 6_000_000
_BATCH = 5000

try:
    from services.notifications import DECIDER_CARD
except ImportError:  # pragma: no cover - renamed by a later change
    DECIDER_CARD = "decider"


@dataclass
class Director:
    user: User
    # (application number, card message id), in the order the director decides them.
    cards: list[tuple[int, int]] = field(default_factory=list)


def local_today() -> date:
    return datetime.now(TZ).date()


def workdays_file(folder: Path, *, working: bool) -> Path:
    """Today and tomorrow (the run may cross midnight) as working days or days off.

    Days off keep the scheduler quiet while decisions are measured; working days with the
    digest due since midnight make the bot send the digest as soon as it starts.
    """
    path = folder / ("workdays.txt" if working else "daysoff.txt")
    word = "work" if working else "off"
    today = local_today()
    path.write_text(
        "".join(f"{(today + timedelta(days=d)).isoformat()} {word}\n" for d in (0, 1)),
        encoding="utf-8",
    )
    return path


def card_markup(number: int) -> dict[str, Any]:
    seen = status_code(Status.NEW)
    return {
        "inline_keyboard": [
            [
                {
                    "text": "✅ Одобрить",
                    "callback_data": CardCb(
                        action=CardAction.APPROVE, number=number, seen=seen
                    ).pack(),
                },
                {
                    "text": "❌ Отменить",
                    "callback_data": CardCb(
                        action=CardAction.CANCEL, number=number, seen=seen
                    ).pack(),
                },
            ]
        ]
    }


async def seed(
    database_url: str | None,
    fake: BenchTelegram,
    *,
    schools: int,
    per_school: int,
    teachers_per_school: int = 3,
    digest_done: int = 0,
    first_number: int = 700_000,
) -> list[Director]:
    """Directors with cards in the fake; with `database_url`, the same rows in the database.

    The floor bot has no database: it gets the same chats and cards (`database_url=None`).
    """
    now = datetime.now(UTC)
    today = local_today()
    directors: list[Director] = []
    orgs: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    consents: list[dict[str, Any]] = []
    apps: list[dict[str, Any]] = []
    card_rows: list[dict[str, Any]] = []
    logs: list[dict[str, Any]] = []
    person_id = 0
    app_id = 0
    for school in range(1, schools + 1):
        orgs.append(
            {"id": school, "name": f"МОУ «СОШ № {school}»", "municipality": f"Район {school % 43}"}
        )
        person_id += 1
        director_id = person_id
        user = User(id=DIRECTOR_IDS + school, first_name="Анна", last_name=f"Директорова{school}")
        director = Director(user)
        directors.append(director)
        people.append(_person(director_id, school, f"Директорова{school} Анна", user.id, now))
        roles.append({"person_id": director_id, "role": Role.DIRECTOR})
        consents.append({"telegram_id": user.id, "version": CONSENT_VERSION, "accepted_at": now})
        if school > schools - digest_done:  # these had today's digest already
            logs.append({"person_id": director_id, "kind": "digest", "day": today})
        teachers = []
        for t in range(teachers_per_school):
            person_id += 1
            telegram_id = TEACHER_IDS + school * 100 + t
            teachers.append(person_id)
            fake.register_user(User(id=telegram_id, first_name="Ольга"))
            name = f"Учителева{school}-{t} Ольга"
            people.append(_person(person_id, school, name, telegram_id, now))
            roles.append({"person_id": person_id, "role": Role.TEACHER})
        for j in range(per_school):
            app_id += 1
            number = first_number + app_id
            message_id = fake.plant(user, f"📄 Заявка №{number}", card_markup(number))
            director.cards.append((number, message_id))
            apps.append(
                {
                    "id": app_id,
                    "number": number,
                    "applicant_id": teachers[j % len(teachers)],
                    "organization_id": school,
                    "kind": Kind.ASSESSMENT,
                    "group_id": 1,
                    "status": Status.NEW,
                    "submitted_on": today,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            card_rows.append(
                {
                    "application_id": app_id,
                    "chat_id": user.id,
                    "message_id": message_id,
                    "note": DECIDER_CARD,
                    "created_at": now,
                }
            )
    if database_url is None:
        return directors
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(Program),
                [{"id": 1, "title": "Цифровая образовательная среда школы", "hours": 72}],
            )
            await connection.execute(
                insert(Group),
                [
                    {
                        "id": 1,
                        "program_id": 1,
                        "name": "Группа 1",
                        "study_start": today + timedelta(days=60),
                        "study_end": today + timedelta(days=90),
                    }
                ],
            )
            for model, rows in (
                (Organization, orgs),
                (Person, people),
                (PersonRole, roles),
                (ConsentRecord, consents),
                (DigestLog, logs),
                (Application, apps),
                (CardMessage, card_rows),
            ):
                for start in range(0, len(rows), _BATCH):
                    await connection.execute(insert(model), rows[start : start + _BATCH])
    finally:
        await engine.dispose()
    return directors


def _person(
    person_id: int, org_id: int, name: str, telegram_id: int, now: datetime
) -> dict[str, Any]:
    return {
        "id": person_id,
        "code": f"B-{person_id}",
        "full_name": name,
        "name_key": name.lower(),
        "organization_id": org_id,
        "telegram_id": telegram_id,
        "reachable": True,
        "instant_cards": True,
        "created_at": now,
        "updated_at": now,
    }
