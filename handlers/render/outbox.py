"""Turns a semantic outbox payload into the Telegram call the sender makes (PRODUCT.md §6).

Rendering happens at send time, so a card queued while a director was not yet linked shows the
application as it is when it finally goes out.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.methods import DeleteMyCommands, EditMessageText, SendMessage
from aiogram.types import BotCommandScopeChat, InlineKeyboardMarkup, ReplyKeyboardRemove
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.config import HandlerSettings
from handlers.render import digest as digest_render
from handlers.render.card_tabs import tab_text
from handlers.render.cards import card_keyboard, card_text
from handlers.render.notifications import (
    comment_notification,
    group_notification,
    status_notification,
)
from handlers.render.outgoing import Deferred, Outgoing
from handlers.teacher.keyboards import card_keyboard as teacher_card_keyboard
from handlers.teacher.keyboards import reply_keyboard
from models import Application, OutboxMessage, Person, utcnow
from services import cards
from services.locality import zone_of_person
from services.notifications import DECIDER_CARD, TEACHER_CARD
from services.outbox.items import BULK_METHODS
from services.quiet import is_quiet, quiet_until, window_of


class OutboxRenderer:
    def __init__(self, settings: HandlerSettings) -> None:
        self.tz = settings.tz
        self.quiet = settings.quiet

    def _zone(self, person: Person) -> ZoneInfo:
        # Quiet hours are kept by the recipient's school's clock (services.locality); the times
        # written on cards and notices are the application's school's (handlers.render.cards).
        return zone_of_person(person, self.tz)

    def _silent(self, person: Person) -> bool:
        # Instant messages still go in quiet hours, but without a sound (PRODUCT.md §5).
        window = window_of(person.quiet_hours, self.quiet)
        return is_quiet(utcnow(), self._zone(person), window)

    async def __call__(
        self, session: AsyncSession, message: OutboxMessage
    ) -> Outgoing | Deferred | None:
        if message.method in BULK_METHODS and message.person_id is not None:
            # Quiet hours are the person's as they are now, not as they were when the message
            # was queued: switched on since, it waits; switched off, it was made due at once.
            person = await session.get(Person, message.person_id)
            if person is not None:
                window = window_of(person.quiet_hours, self.quiet)
                until = quiet_until(utcnow(), self._zone(person), window)
                if until is not None:
                    return Deferred(until)
        payload = message.payload
        kind = payload.get("type")
        if kind in digest_render.KINDS:
            return await digest_render.render(session, message, tz=self.tz, quiet=self.quiet)
        if kind == "moved":
            # The old account of a person who moved to another one (`services.forgetting`).
            chat_id = int(payload["chat_id"])
            return Outgoing(
                SendMessage(
                    chat_id=chat_id, text=texts.MOVED_AWAY, reply_markup=ReplyKeyboardRemove()
                ),
                chat_id=chat_id,
            )
        if kind == "menu-reset":
            chat_id = int(payload["chat_id"])
            return Outgoing(
                DeleteMyCommands(scope=BotCommandScopeChat(chat_id=chat_id)), chat_id=chat_id
            )
        if kind == "refresh":
            data = await cards.load_card(session, int(payload["application_id"]))
            if data is None:
                return None
            chat_id = int(payload["chat_id"])
            view = payload.get("view")
            keyboard: InlineKeyboardMarkup | None
            if view == TEACHER_CARD:
                # The teacher's card is always shown under its tabs: the «Сведения о заявке» one.
                keyboard = teacher_card_keyboard(data.application, "i", 0)
                text = tab_text(data, "i", self.tz)
            else:
                keyboard = card_keyboard(data.application, decider=view == DECIDER_CARD)
                text = card_text(data, self.tz)
            return Outgoing(
                EditMessageText(
                    chat_id=chat_id,
                    message_id=int(payload["message_id"]),
                    text=text,
                    reply_markup=keyboard,
                ),
                chat_id=chat_id,
            )

        person = await session.get(Person, message.person_id) if message.person_id else None
        if person is None or person.telegram_id is None:
            return None
        chat_id = person.telegram_id
        if kind == "text":
            # A message already in the bot's words and escaped (e.g. to a deputy just named).
            return Outgoing(
                SendMessage(
                    chat_id=chat_id,
                    text=str(payload["text"]),
                    disable_notification=self._silent(person),
                ),
                chat_id=chat_id,
            )
        if kind == "card":
            data = await cards.load_card(session, int(payload["application_id"]))
            if data is None:
                return None
            return Outgoing(
                SendMessage(
                    chat_id=chat_id,
                    text=card_text(data, self.tz),
                    reply_markup=card_keyboard(data.application, decider=True),
                    disable_notification=self._silent(person),
                ),
                chat_id=chat_id,
                card_application_id=data.application.id,
                card_note=DECIDER_CARD,
            )
        if kind in {"status", "comment", "group"}:
            change = await cards.load_change(session, int(payload["history_id"]))
            if change is None:
                return None
            app = await session.get(Application, change.entry.application_id)
            if app is None:
                return None
            markup = None
            if kind == "status":
                text = status_notification(app, change, self.tz)
            elif kind == "group":
                text = group_notification(app, change, self.tz)
            else:
                text = comment_notification(app, change, self.tz)
            if (
                person.id == app.applicant_id
                and change.entry.comment
                and change.entry.actor_id != person.id
            ):
                # «Ответить» under a comment from the school or the institute.
                comment_id = await cards.comment_of(session, change.entry)
                if comment_id is not None:
                    markup = reply_keyboard(app.number, comment_id)
            return Outgoing(
                SendMessage(
                    chat_id=chat_id,
                    text=text,
                    reply_markup=markup,
                    disable_notification=self._silent(person),
                ),
                chat_id=chat_id,
            )
        return None
