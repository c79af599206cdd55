"""Builds the bot, the dispatcher and the database runtime that `dpo-bot run` serves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.filters import ExceptionTypeFilter
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import handlers
from bot import telegram
from bot.fsm_storage import DatabaseStorage
from bot.middlewares import (
    ConsentMiddleware,
    EndOfReads,
    InFlightMiddleware,
    OncePerUpdate,
    PersonMiddleware,
    ReadOnlyHandlers,
    UnitOfWorkMiddleware,
)
from bot.sender import OutboxSender
from bot.sender.budget import PacedReplies, RedisBudget, SendBudget, SharedBudget
from bot.settings import Settings, database_engine
from handlers.errors import on_error, on_refusal
from handlers.render.outbox import OutboxRenderer
from models.clock import DatabaseClock
from models.engine import create_sessionmaker
from services.calendar import WorkCalendar
from services.workflow import WorkflowError


def build_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    bot = Bot(
        token=settings.require_token(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
    return telegram.install(bot)


def build_storage(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> tuple[BaseStorage, BaseEventIsolation]:
    """Conversation state: the database by default, Redis (with its locks) when configured."""
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        redis_storage = RedisStorage.from_url(settings.redis_url)
        return redis_storage, redis_storage.create_isolation()
    return DatabaseStorage(sessionmaker), SimpleEventIsolation()


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    dispatcher: Dispatcher
    in_flight: InFlightMiddleware
    sender: OutboxSender
    budget: SendBudget
    clock: DatabaseClock


def build_dispatcher(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    after_commit: Callable[[], None] | None = None,
) -> tuple[Dispatcher, InFlightMiddleware]:
    storage, isolation = build_storage(settings, sessionmaker)
    # aiogram's FSM middleware would read the state before the update's session exists; the
    # unit of work does its job (isolation lock, state) inside the session instead.
    dispatcher = Dispatcher(storage=storage, events_isolation=isolation, disable_fsm=True)
    in_flight = InFlightMiddleware()
    # Outer middlewares run in this order for every update.
    dispatcher.update.outer_middleware(in_flight)
    dispatcher.update.outer_middleware(
        UnitOfWorkMiddleware(
            sessionmaker, dispatcher.fsm, after_commit, concurrency=settings.update_concurrency
        )
    )
    dispatcher.update.outer_middleware(ConsentMiddleware(settings.consent_version))
    dispatcher.update.outer_middleware(PersonMiddleware())
    dispatcher.update.outer_middleware(EndOfReads())
    if settings.webhook_base_url:
        # Webhook retries may reach another replica: each update is handled once.
        dispatcher.update.outer_middleware(OncePerUpdate())
    read_only_handlers = ReadOnlyHandlers()
    for observer in dispatcher.observers.values():
        if observer.event_name not in {"update", "error"}:
            observer.middleware(read_only_handlers)
    dispatcher.include_routers(*handlers.routers())
    dispatcher.errors.register(on_refusal, ExceptionTypeFilter(WorkflowError))
    dispatcher.errors.register(on_error)
    dispatcher["settings"] = settings
    # Read once here; /overview counts working days with it (see `handlers.config`).
    dispatcher["calendar"] = WorkCalendar.from_file(settings.workdays_file)
    return dispatcher, in_flight


def build_budget(settings: Settings) -> SendBudget:
    """Telegram's limits for this process: its own, or with Redis one for all replicas."""
    shared: SharedBudget | None = None
    if settings.redis_url:
        shared = RedisBudget.from_url(
            settings.redis_url,
            rate=settings.send_rate,
            per_chat_interval=settings.send_chat_interval,
        )
    return SendBudget(settings.send_rate, settings.send_chat_interval, shared=shared)


def build_runtime(settings: Settings, bot: Bot) -> Runtime:
    engine = database_engine(settings)
    sessionmaker = create_sessionmaker(engine, info=settings.session_info())
    budget = build_budget(settings)
    # Inside `CommitBeforeCall` (installed with the bot): a reply waits with nothing open.
    bot.session.middleware(PacedReplies(budget))
    # Leases on the database's clock: replicas whose clocks differ still agree on them.
    clock = DatabaseClock(engine)
    sender = OutboxSender(
        bot,
        sessionmaker,
        OutboxRenderer(settings),
        budget=budget,
        now=clock.now,
        max_backoff=float(settings.send_max_backoff),
    )
    dispatcher, in_flight = build_dispatcher(settings, sessionmaker, sender.wake)
    return Runtime(settings, engine, sessionmaker, dispatcher, in_flight, sender, budget, clock)
