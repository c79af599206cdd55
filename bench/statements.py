"""SQL statements per update, counted in-process on the real dispatcher and routers.

The hottest updates of the decision flow are fed straight into the dispatcher (the Bot's
requests still go to the fake server over HTTP), with a `before_cursor_execute` listener on the
engine, at two sizes of the applications table: the count must not grow with the data.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiogram.types import Update
from sqlalchemy import event

from bench import seed
from bench.fake import TOKEN, BenchTelegram
from bot.app import build_bot, build_dispatcher
from bot.migrate import upgrade
from bot.settings import Settings
from handlers.decision import DecideCb, PromptAction
from handlers.director.callbacks import CardAction, CardCb, status_code
from models import Status
from models.engine import create_engine, create_sessionmaker

UPDATES = ("«✅ Одобрить»", "«Без комментария»", "«Подробнее»")
PER_SCHOOL = 100


@dataclass
class StatementCounts:
    applications: int
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None


async def measure(applications: int) -> StatementCounts:
    result = StatementCounts(applications)
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bot.sqlite3'}"
        await asyncio.to_thread(upgrade, url)
        async with BenchTelegram() as fake:
            schools = max(1, applications // PER_SCHOOL)
            people = await seed.seed(url, fake, schools=schools, per_school=PER_SCHOOL)
            settings = Settings(
                _env_file=None,
                bot_token=TOKEN,
                telegram_api_url=fake.base_url,
                database_url=url,
                redis_url=None,
            )
            engine = create_engine(url)
            bot = build_bot(settings)
            statements = 0

            def count(*_args: Any) -> None:
                nonlocal statements
                statements += 1

            try:
                dispatcher, _ = build_dispatcher(settings, create_sessionmaker(engine))
                director = people[0]
                user = director.user
                seen = status_code(Status.NEW)

                async def feed(label: str, message_id: int, data: str) -> None:
                    nonlocal statements
                    fake.press(user, message_id, data, strict=False)
                    update = fake.pending_updates[-1]
                    statements = 0
                    await dispatcher.feed_update(
                        bot, Update.model_validate(update, context={"bot": bot})
                    )
                    result.counts[label] = statements

                event.listen(engine.sync_engine, "before_cursor_execute", count)
                # A warm-up decision first: caches (consent, compiled statements) are filled.
                for i, label_prefix in ((0, "warm-up "), (1, "")):
                    number, card_id = director.cards[i]
                    prompt = fake.next_call(user.id, lambda c: c.method == "sendMessage")
                    await feed(
                        label_prefix + UPDATES[0],
                        card_id,
                        CardCb(action=CardAction.APPROVE, number=number, seen=seen).pack(),
                    )
                    try:
                        prompt_id = int((await asyncio.wait_for(prompt, 30)).result["message_id"])
                    except TimeoutError:  # the prompt goes out later: press under the card
                        prompt_id = card_id
                    await feed(
                        label_prefix + UPDATES[1],
                        prompt_id,
                        DecideCb(action=PromptAction.SKIP).pack(),
                    )
                number, card_id = director.cards[2]
                await feed(
                    UPDATES[2],
                    card_id,
                    CardCb(action=CardAction.TAB, number=number, tab="i").pack(),
                )
            except Exception as exc:
                result.error = f"{type(exc).__name__}: {exc}"
            finally:
                await bot.session.close()
                await engine.dispose()
    result.counts = {k: v for k, v in result.counts.items() if not k.startswith("warm-up")}
    return result
