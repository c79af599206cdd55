"""`dpo-bot demo` in a real browser: headless Chromium driven by Playwright (issue: demo).

The demo runs as a process, as a user starts it; the page is played as a person would: the
director opens her invitation, accepts the consent, approves an application with a comment;
the teacher opens hers and finds the notification with that comment. DEMO_SCREENSHOT=path
saves the screenshot the README shows (docs/demo.png).
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from tests.conftest import DPO_BOT, clean_env

URL_LINE = re.compile(r"open (http://127\.0\.0\.1:\d+)")
# The demo starts the bot, migrates and imports before it prints its address.
START_TIMEOUT = 90.0
STEP_MS = 20_000
COMMENT = "Ждём вас 03.02 в 10:00, аудитория 214"


def _chromium() -> str:
    """Debian's Chromium: found, or installed with apt-get where this user may; else skip."""
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        found = shutil.which(candidate) if candidate else None
        if found:
            return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("no Chromium, and apt-get is not available to install it (set CHROMIUM=path)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "chromium"]
    # Install from the package lists as they are; refresh them only if that fails.
    for commands in ([install], [["apt-get", "update", "-q"], install]):
        for command in commands:
            subprocess.run(command, env=env, capture_output=True, timeout=900, check=False)
        found = shutil.which("chromium")
        if found:
            return found
    pytest.skip("Chromium could not be installed with apt-get (no package source reachable)")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log_path = tmp_path_factory.mktemp("demo") / "demo.log"
    env = clean_env(PYTHONUNBUFFERED="1")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [DPO_BOT, "demo", "--port", "0"], stdout=subprocess.PIPE, stderr=log, env=env
        )
        assert process.stdout is not None
        url = None
        deadline = time.monotonic() + START_TIMEOUT
        seen = b""
        while url is None and time.monotonic() < deadline and process.poll() is None:
            ready, _, _ = select.select([process.stdout], [], [], 1.0)
            if ready:
                seen += os.read(process.stdout.fileno(), 4096)
                match = URL_LINE.search(seen.decode(errors="replace"))
                url = match.group(1) if match else None
        try:
            assert url is not None, f"the demo printed no address: {seen!r}\n{log_path.read_text()}"
            yield url
        finally:
            process.send_signal(signal.SIGINT)
            try:
                code = process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
    text = log_path.read_text()
    assert "Traceback" not in text, text
    assert code == 0, text


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = _chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


def _chat(page: Page) -> Locator:
    return page.locator("#messages")


def _bot_message(page: Page, text: str) -> Locator:
    return _chat(page).locator("li.message.from-bot", has_text=text).last


def _link(page: Page, person_id: int) -> None:
    """Pick the person, open their invitation, accept the consent, wait for the greeting."""
    page.locator(f'#people button[data-person="{person_id}"]').click()
    page.locator("#invite").click()
    consent = _bot_message(page, "152-ФЗ")
    consent.locator("button.inline-button", has_text="Ознакомился").click(timeout=STEP_MS)
    _bot_message(page, "Здравствуйте").wait_for(timeout=STEP_MS)


def test_director_approves_with_a_comment_and_the_teacher_sees_it(
    demo_url: str, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 820}, locale="ru-RU")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(demo_url)
    people = page.locator("#people button")
    people.first.wait_for(timeout=STEP_MS)
    assert people.count() == 6
    assert "Смирнова Ольга Викторовна" in people.first.inner_text()

    # The director links by her invitation; her cards arrive with their buttons.
    _link(page, 1001)
    card = _bot_message(page, "Заявка №43113").filter(
        has=page.locator("button", has_text="✅ Одобрить")
    )
    card.wait_for(timeout=STEP_MS)
    assert card.locator("button.inline-button").all_inner_texts() == [
        "✅ Одобрить",
        "❌ Отменить",
        "Подробнее",
    ]
    card.locator("button", has_text="✅ Одобрить").click()

    # The prompt is the bot's HTML: «одобряете» in bold, as Telegram shows it.
    prompt = _bot_message(page, "Напишите комментарий")
    prompt.wait_for(timeout=STEP_MS)
    assert prompt.locator("strong").count() == 1
    page.locator("#text").fill(COMMENT)
    page.locator("#text").press("Enter")
    _bot_message(page, "Заявка №43113 одобрена").wait_for(timeout=STEP_MS)
    assert page.locator("#text").input_value() == ""
    # The card is edited in place: it no longer offers «Одобрить».
    edited = (
        _chat(page)
        .locator("li.message.from-bot", has_text="Заявка №43113")
        .filter(has=page.locator("button", has_text="✅ Одобрить"))
    )
    expect(edited).to_have_count(0, timeout=STEP_MS)

    # The teacher: the notification waited for him to link and arrives with the comment.
    _link(page, 1003)
    notification = _bot_message(page, COMMENT)
    notification.wait_for(timeout=STEP_MS)
    assert "43113" in notification.inner_text()
    assert "Подтверждена руководителем ОО" in notification.inner_text()

    # Switching back keeps the director's chat as it was.
    page.locator('#people button[data-person="1001"]').click()
    _bot_message(page, "Заявка №43113 одобрена").wait_for(timeout=STEP_MS)
    assert page.locator("#chat-name").inner_text() == "Смирнова Ольга Викторовна"

    # «What happens now»: the outbox drains; the screenshot the README shows is taken then.
    page.locator("#outbox li .state-sent").first.wait_for(timeout=STEP_MS)
    expect(page.locator("#outbox li .state-pending")).to_have_count(0, timeout=STEP_MS)
    expect(page.locator("#toast")).to_be_hidden(timeout=STEP_MS)
    screenshot = os.environ.get("DEMO_SCREENSHOT")
    if screenshot:
        confirmation = _bot_message(page, "Заявка №43113 одобрена")
        confirmation.evaluate("node => node.scrollIntoView({block: 'end'})")
        page.screenshot(path=screenshot)

    # «Как будто 09:00»: the scheduler's pass runs now and the digest reaches the director.
    page.locator("#tick").click()
    page.locator("#tick-result").filter(has_text="из них дайджестов: 1").wait_for(timeout=STEP_MS)
    digest = _bot_message(page, "Заявки ждут решения")
    digest.wait_for(timeout=STEP_MS)
    assert "№39746" in digest.inner_text()
    assert "№43113" not in digest.inner_text()
    assert errors == []
    context.close()


def test_the_page_fits_a_phone_and_answers_stale_buttons(demo_url: str, browser: Browser) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="ru-RU"
    )
    page = context.new_page()
    page.goto(demo_url)
    page.locator("#people button").first.wait_for(timeout=STEP_MS)
    # Nothing wider than the phone's screen; the compose box is on it.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("#compose").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390

    # Another director: a stale button (its message gone from the chat) gets a clear toast.
    page.locator('#people button[data-person="2001"]').click()
    page.locator("#invite").click()
    consent = _bot_message(page, "152-ФЗ")
    consent.wait_for(timeout=STEP_MS)
    status = page.evaluate(
        """async () => (await fetch('/api/chats/2001/press', {method: 'POST',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({message_id: 999999, data: 'x'})})).status"""
    )
    assert status == 409
    page.locator("#text").fill("   ")
    page.locator("#send").click()
    page.locator("#toast").filter(has_text="Сначала напишите сообщение").wait_for(timeout=STEP_MS)
    context.close()
