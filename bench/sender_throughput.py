"""Benchmark: the running outbox sender against the fake Bot API server with slow round trips.

    python bench/sender_throughput.py [--messages 600] [--chats 600] [--latency 0.1]
                                      [--rate 30] [--edits 5] [--enqueue 100000]

Times `enqueue_many` of `--enqueue` items into a fresh SQLite database. Then queues a bulk
backlog of `--messages` digests to `--chats` chats and lets `OutboxSender.run()` deliver it
through a real aiogram Bot, the fake answering each call after `--latency` seconds. While the
backlog goes out, `--edits` card edits are queued one by one (as a director's tap would: the
row committed, then the sender woken). Prints the delivery rate against the bound (`--rate`),
the busiest one-second window (which must stay at or under it) and how long each card edit
waited, from its commit to Telegram receiving it.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.fakeapi import Call, FakeTelegram, User
from bot.sender import OutboxSender
from handlers.render.outgoing import Outgoing
from models import Base, OutboxMessage, Person
from models.engine import create_engine, create_sessionmaker
from services.outbox import OutboxItem, enqueue_many

TOKEN = "123456:BENCH"
FIRST_CHAT = 10_000


async def render(session: AsyncSession, message: OutboxMessage) -> Outgoing | None:
    chat_id = await session.scalar(select(Person.telegram_id).where(Person.id == message.person_id))
    if chat_id is None:
        return None
    payload = message.payload
    if payload["type"] == "edit":
        method = EditMessageText(
            chat_id=chat_id, message_id=payload["message_id"], text=payload["text"]
        )
        return Outgoing(method, chat_id=chat_id)
    return Outgoing(SendMessage(chat_id=chat_id, text=payload["text"]), chat_id=chat_id)


def busiest_second(times: list[float]) -> int:
    ordered = sorted(times)
    return max(bisect.bisect_left(ordered, t + 1.0) - i for i, t in enumerate(ordered))


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        sessionmaker = create_sessionmaker(engine)
        async with FakeTelegram(token=TOKEN) as fake:
            chats = args.chats + 1  # the last one is the director who taps
            async with sessionmaker.begin() as session:
                people = [
                    Person(
                        code=f"B-{i}",
                        full_name="Bench",
                        name_key="bench",
                        telegram_id=FIRST_CHAT + i,
                    )
                    for i in range(chats)
                ]
                session.add_all(people)
                await session.flush()
                person_ids = [person.id for person in people]
            for i in range(chats):
                fake.register_user(User(id=FIRST_CHAT + i, first_name="Bench"))

            if args.enqueue:
                items = [
                    OutboxItem(f"bulk:{i}", None, {"type": "bulk"}, method="bulk")
                    for i in range(args.enqueue)
                ]
                started = time.perf_counter()
                async with sessionmaker.begin() as session:
                    written = await enqueue_many(session, items)
                elapsed = time.perf_counter() - started
                print(f"enqueue_many: {written} items in {elapsed:.2f}s")
                async with sessionmaker.begin() as session:  # out of the sender's way
                    await session.execute(
                        delete(OutboxMessage).where(OutboxMessage.method == "bulk")
                    )

            http = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
            bot = Bot(TOKEN, session=http)
            director_chat = FIRST_CHAT + args.chats
            card = await bot.send_message(director_chat, "card 0")
            async with sessionmaker.begin() as session:
                await enqueue_many(
                    session,
                    [
                        OutboxItem(
                            f"digest:{i}",
                            person_ids[i % args.chats],
                            {"type": "text", "text": f"digest {i}"},
                            method="digest",
                        )
                        for i in range(args.messages)
                    ],
                )
            fake.delay("sendMessage", args.latency)
            fake.delay("editMessageText", args.latency)
            sender = OutboxSender(bot, sessionmaker, render, rate_per_second=args.rate)
            task = asyncio.create_task(sender.run())
            sender.wake()
            bound = args.messages / args.rate

            waits: list[float] = []
            for n in range(1, args.edits + 1):
                # Spread over the first two thirds of the backlog's bound.
                await asyncio.sleep(bound * 0.66 / args.edits)
                text = f"card {n}"
                async with sessionmaker.begin() as session:
                    await enqueue_many(
                        session,
                        [
                            OutboxItem(
                                f"refresh:{n}",
                                person_ids[-1],
                                {"type": "edit", "message_id": card.message_id, "text": text},
                                method="refresh",
                            )
                        ],
                    )
                committed = time.time()
                sender.wake()

                def is_edit(call: Call, text: str = text) -> bool:
                    return call.method == "editMessageText" and call.params.get("text") == text

                edit = await fake.wait_for(is_edit, timeout=bound * 3 + 30)
                waits.append(edit.time - committed)

            deadline = time.monotonic() + bound * 3 + 30
            while len(fake.calls_of("sendMessage", ok=True)) < args.messages + 1:
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
            await sender.stop()
            await task
            await http.close()

            times = sorted(call.time for call in fake.calls_of("sendMessage", ok=True))[1:]
            too_many = len(fake.calls_of("sendMessage", ok=False))
            span = times[-1] - times[0]
            achieved = (len(times) - 1) / span if span > 0 else float("nan")
            print(
                f"sender: {len(times)} digests to {args.chats} chats in {span:.2f}s, "
                f"{achieved:.1f}/s against {args.rate:g}/s ({achieved / args.rate:.0%} of the "
                f"bound); busiest second: {busiest_second(times)}; failed calls: {too_many} "
                f"(round trip {args.latency}s)"
            )
            if waits:
                print(
                    f"card edit during the backlog, commit -> Telegram: "
                    f"median {statistics.median(waits) * 1000:.0f} ms, "
                    f"max {max(waits) * 1000:.0f} ms ({len(waits)} edits)"
                )
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--chats", type=int, default=600)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--enqueue", type=int, default=100_000)
    asyncio.run(main(parser.parse_args()))
