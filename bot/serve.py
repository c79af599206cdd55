"""`dpo-bot run`: serve updates by long polling or a webhook, with the sender, the scheduler,
the outbound webhooks and the HTTP API beside them, and stop cleanly on SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.types import BotCommand
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.api import add_web_routes, api_enabled, build_web_app
from bot.api.access import RouteAccessLogger
from bot.app import Runtime, build_bot, build_runtime
from bot.leader import Leadership
from bot.scheduler import ScheduledWork
from bot.settings import Settings
from bot.webhooks_out import WebhookSender
from handlers import texts

log = logging.getLogger(__name__)

# How long a stop waits for updates that are being handled.
STOP_GRACE_SECONDS = 20.0


async def set_commands(bot: Bot) -> None:
    await bot.set_my_commands(
        [BotCommand(command=name, description=text) for name, text in texts.COMMANDS.items()]
    )


WEBHOOK_PATH = "/telegram/webhook"


async def run(settings: Settings, *, on_ready: Callable[[Runtime], None] | None = None) -> None:
    """Serve updates until SIGTERM or SIGINT; then finish in-flight updates and close cleanly.

    Long polling by default; a webhook on WEB_HOST:WEB_PORT when WEBHOOK_BASE_URL is set.
    `on_ready` is given the runtime once it is built (`dpo-bot demo` wakes its sender).
    """
    bot = build_bot(settings)
    runtime = build_runtime(settings, bot)
    if on_ready is not None:
        on_ready(runtime)
    dispatcher = runtime.dispatcher
    tasks: list[asyncio.Task[None]] = []
    scheduled = ScheduledWork.from_settings(
        settings,
        runtime.sessionmaker,
        wake=runtime.sender.wake,
        leadership=Leadership(runtime.engine),
    )
    webhooks = (
        WebhookSender(
            runtime.sessionmaker,
            settings.webhook_out_url,
            settings.webhook_out_secret.get_secret_value(),
            max_backoff=float(settings.webhook_out_max_backoff),
            now=runtime.clock.now,
        )
        if settings.webhook_out_url and settings.webhook_out_secret
        else None
    )

    def wake_all() -> None:
        runtime.sender.wake()
        if webhooks is not None:
            webhooks.wake()

    async def on_startup(bot: Bot) -> None:
        me = await bot.get_me()
        log.info("bot @%s (id %s) started", me.username, me.id)
        await set_commands(bot)
        # The senders' leases are on the database's clock: read it before they claim.
        await runtime.clock.try_sync()
        tasks.append(asyncio.create_task(runtime.clock.run(), name="database-clock"))
        tasks.append(asyncio.create_task(runtime.sender.run(), name="outbox-sender"))
        if webhooks is not None:
            tasks.append(asyncio.create_task(webhooks.run(), name="webhooks-out"))
        # After the sender: the start-up tick (the catch-up) wakes it.
        scheduled.start()

    async def on_shutdown() -> None:
        await runtime.in_flight.wait(STOP_GRACE_SECONDS)
        # Before the sender stops: a tick in progress commits what it queued.
        await scheduled.shutdown()
        # After the updates: what they queued is committed, and the sender finishes what it
        # has in flight; the rest waits in the outbox for the next start.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(runtime.sender.stop(), STOP_GRACE_SECONDS)
        if webhooks is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(webhooks.stop(), STOP_GRACE_SECONDS)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        log.info("stopped; in-flight updates finished")

    dispatcher.startup.register(on_startup)
    dispatcher.shutdown.register(on_shutdown)
    try:
        if settings.webhook_base_url:
            await _serve_webhook(runtime, bot, wake_all)
        else:
            # A server of its own beside long polling: the HTTP API when configured, otherwise
            # just /healthz (the image's HEALTHCHECK). Without the API a busy port is not fatal.
            runner = web.AppRunner(
                build_web_app(runtime.sessionmaker, settings, wake_all),
                handle_signals=False,
                access_log_class=RouteAccessLogger,
            )
            await runner.setup()
            web_runner: web.AppRunner | None = runner
            try:
                await web.TCPSite(runner, settings.web_host, settings.web_port).start()
            except OSError as exc:
                await runner.cleanup()
                web_runner = None
                if api_enabled(settings):
                    raise
                log.warning(
                    "/healthz not served: %s:%s unavailable (%s)",
                    settings.web_host,
                    settings.web_port,
                    type(exc).__name__,
                )
            else:
                log.info(
                    "%s on %s:%s",
                    "HTTP API" if api_enabled(settings) else "/healthz",
                    settings.web_host,
                    settings.web_port,
                )
            try:
                await bot.delete_webhook(drop_pending_updates=False)
                await dispatcher.start_polling(bot, handle_signals=True, close_bot_session=True)
            finally:
                if web_runner is not None:
                    await web_runner.cleanup()
    finally:
        await runtime.dispatcher.storage.close()
        await runtime.budget.shared.close()
        await runtime.engine.dispose()
        # Closed here too when start-up failed before polling began (closing twice is harmless).
        await bot.session.close()
        # Let aiohttp close its connector transports before the loop ends.
        await asyncio.sleep(0.05)


def _refusing_malformed(
    handler: SimpleRequestHandler,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The webhook, answering 400 to a body that is no update (even with the right secret).

    aiogram checks the secret (401 without it), then parses the body and validates the update;
    a body that fails there would raise out of it (a 500, and Telegram retrying it for a day).
    Nothing else raises this far: every error of handling an update ends in the dispatcher's
    error handlers (`handlers.errors`). So the body is parsed once, by aiogram.
    """

    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            return await handler.handle(request)
        except (ValueError, RecursionError):  # the JSON, or the update's fields
            log.warning("webhook: a body that is no update refused (400)")
            return web.json_response({"ok": False, "error": "malformed update"}, status=400)

    return handle


async def _serve_webhook(runtime: Runtime, bot: Bot, wake: Callable[[], None]) -> None:
    settings = runtime.settings
    dispatcher = runtime.dispatcher
    assert settings.webhook_base_url and settings.webhook_secret  # checked by Settings
    secret = settings.webhook_secret.get_secret_value()
    # Telegram is answered once the update is handled (its changes committed): an update whose
    # replica died on it is retried by Telegram, and `OncePerUpdate` skips one handled already.
    handler = SimpleRequestHandler(dispatcher, bot, handle_in_background=False, secret_token=secret)
    app = web.Application()
    # Registered by hand, not with handler.register(): that would close the bot's session when
    # the server stops, before the updates in flight have finished.
    app.router.add_post(WEBHOOK_PATH, _refusing_malformed(handler))
    # The API when API_TOKEN is set, /healthz in any case.
    add_web_routes(app, runtime.sessionmaker, settings, wake)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    runner = web.AppRunner(app, handle_signals=False, access_log_class=RouteAccessLogger)
    await runner.setup()
    try:
        await dispatcher.emit_startup(bot=bot, dispatcher=dispatcher, **dispatcher.workflow_data)
        await web.TCPSite(runner, settings.web_host, settings.web_port).start()
        await bot.set_webhook(
            url=settings.webhook_base_url + WEBHOOK_PATH,
            secret_token=secret,
            allowed_updates=dispatcher.resolve_used_update_types(),
            max_connections=settings.webhook_max_connections,
        )
        log.info("serving the webhook on %s:%s", settings.web_host, settings.web_port)
        await stop.wait()
        log.info("stop signal received")
    finally:
        # Stop accepting updates first; Telegram keeps what it could not deliver.
        await runner.cleanup()
        try:
            await dispatcher.emit_shutdown(
                bot=bot, dispatcher=dispatcher, **dispatcher.workflow_data
            )
        finally:
            await bot.session.close()
