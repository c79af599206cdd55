"""Benchmark: the outbox sender against the fake Bot API server with slow round trips.

    python bench/sender_throughput.py [--messages 300] [--chats 300] [--latency 0.1]
                                      [--rate 30] [--enqueue 100000]

Times `enqueue_many` of `--enqueue` items into a fresh SQLite database, then delivers
`--messages` messages to `--chats` chats through a real aiogram Bot, the fake answering each
sendMessage after `--latency` seconds. Prints the delivery rate and the busiest one-second window
(which must stay at or under the rate).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import SendMessage
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import create_engine, create_sessionmaker
from bot.sender import OutboxSender, Outgoing
from models import Base, OutboxMessage, Person
from services.outbox import OutboxItem, enqueue_many
from tests.fakeapi import FakeTelegram, User

TOKEN = "123456:BENCH"


async def render(session: AsyncSession, message: OutboxMessage) -> Outgoing | None:
    chat_id = await session.scalar(select(Person.telegram_id).where(Person.id == message.person_id))
    if chat_id is None:
        return None
    return Outgoing(SendMessage(chat_id=chat_id, text=message.payload["text"]), chat_id=chat_id)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        sessionmaker = create_sessionmaker(engine)
        async with FakeTelegram(token=TOKEN) as fake:
            async with sessionmaker.begin() as session:
                people = [
                    Person(
                        code=f"B-{i}", full_name="Bench", name_key="bench", telegram_id=10_000 + i
                    )
                    for i in range(args.chats)
                ]
                session.add_all(people)
                await session.flush()
                person_ids = [person.id for person in people]
            for i in range(args.chats):
                fake.register_user(User(id=10_000 + i, first_name="Bench"))

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

            async with sessionmaker.begin() as session:
                await enqueue_many(
                    session,
                    [
                        OutboxItem(
                            f"m:{i}", person_ids[i % args.chats], {"type": "text", "text": f"{i}"}
                        )
                        for i in range(args.messages)
                    ],
                )
            fake.delay("sendMessage", args.latency)
            http = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
            bot = Bot(TOKEN, session=http)
            sender = OutboxSender(bot, sessionmaker, render, rate_per_second=args.rate)
            started = time.perf_counter()
            sent = 0
            while sent < args.messages:
                sent += await sender.drain_once()
            elapsed = time.perf_counter() - started
            await http.close()
            times = sorted(call.time for call in fake.calls_of("sendMessage", ok=True))
            busiest = max(sum(1 for t in times if s <= t < s + 1.0) for s in times)
            print(
                f"sender: {len(times)} messages to {args.chats} chats in {elapsed:.2f}s "
                f"({len(times) / elapsed:.1f}/s, latency {args.latency}s); "
                f"busiest second: {busiest}"
            )
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--chats", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--enqueue", type=int, default=100_000)
    asyncio.run(main(parser.parse_args()))
