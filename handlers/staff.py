"""Staff of the regional institute (PRODUCT.md §4.4): the queue of approved applications,
inclusion into groups (one, or all shown after a confirmation), cancellation with a reason, group
change, assessment results and the region overview.

Every change goes through the workflow service, which also tells the applicant.
"""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers import texts
from handlers.cards import MAX_TEXT, card_text
from handlers.decide import refusal
from handlers.edits import edit_text
from handlers.keyboards import decide_keyboard
from handlers.overview_chart import render_chart
from handlers.paging import prefix_length, window
from handlers.states import Decide
from models import Application, Channel, Person, Role, Status, utcnow
from services import assessment, bulk, cards, overview, workflow
from services.calendar import WorkCalendar
from services.workflow import Actor, WorkflowError

PAGE_SIZE = 10
CHOICES_PER_PAGE = 8


class IsStaff(Filter):
    """The linked person holds the role «Работник ЧИРО» (whatever role is active)."""

    async def __call__(self, event: TelegramObject, person: Person | None = None) -> bool:
        return person is not None and Role.STAFF in person.roles


router = Router(name=__name__)
router.message.filter(IsStaff())
router.callback_query.filter(IsStaff())


class QueueCb(CallbackData, prefix="sq"):
    """The queue screen: filters (ids, 0 for all) and the page."""

    m: int = 0
    o: int = 0
    r: int = 0  # program
    g: int = 0
    p: int = 0


class PickCb(CallbackData, prefix="sk"):
    """A filter's choices: k is m, o, p or g; the current filters ride along; p is the page."""

    k: str
    m: int = 0
    o: int = 0
    r: int = 0
    g: int = 0
    p: int = 0


class StaffCb(CallbackData, prefix="sc"):
    """A staff card: open, card (redraw), inc (ask), incy (include), no, grp, g (group chosen)."""

    act: str
    n: int
    g: int = 0


class AllCb(CallbackData, prefix="sa"):
    """«Включить всех»: ask (with the filters), yes, no."""

    act: str
    m: int = 0
    o: int = 0
    r: int = 0
    g: int = 0


class AssessCb(CallbackData, prefix="se"):
    """A section toggled for a person: v is the new value (1 passed)."""

    u: int
    s: int
    v: int


def _filter(cb: QueueCb | PickCb | AllCb) -> overview.QueueFilter:
    return overview.QueueFilter(cb.m, cb.o, cb.r, cb.g)


def _queue_cb(flt: overview.QueueFilter, page: int = 0) -> str:
    return QueueCb(m=flt.municipality_of, o=flt.school, r=flt.program, g=flt.group, p=page).pack()


def _pick_cb(flt: overview.QueueFilter, kind: str, page: int = 0) -> str:
    return PickCb(
        k=kind, m=flt.municipality_of, o=flt.school, r=flt.program, g=flt.group, p=page
    ).pack()


def entry_line(index: int, entry: overview.QueueEntry) -> str:
    return (
        f"{index}. <b>№{entry.number}</b> · {escape(entry.applicant)} · {escape(entry.school)}\n"
        f"   {escape(entry.program)} · {escape(entry.group)}"
    )


FILTER_LABELS = {
    "m": texts.STAFF_FILTER_MUNICIPALITY,
    "o": texts.STAFF_FILTER_SCHOOL,
    "p": texts.STAFF_FILTER_PROGRAM,
    "g": texts.STAFF_FILTER_GROUP,
}


async def render_queue(
    session: AsyncSession, flt: overview.QueueFilter, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    total = await overview.queue_count(session, flt)
    # Only the entries up to the page shown are read (a LIMIT), never the whole queue.
    found = await overview.queue(session, flt, limit=prefix_length(page, PAGE_SIZE))
    head_lines = [texts.STAFF_QUEUE_TITLE.format(count=total)]
    chosen = {
        "m": flt.municipality_of,
        "o": flt.school,
        "p": flt.program,
        "g": flt.group,
    }
    for kind, value in chosen.items():
        if value:
            label = (await overview.label_of(session, kind, value))[:200]
            head_lines.append(
                texts.STAFF_FILTER_LINE.format(label=FILTER_LABELS[kind], value=escape(label))
            )
    header = len("\n".join(head_lines)) + 40
    lengths = [len(entry_line(index + 1, entry)) + 2 for index, entry in enumerate(found)]
    shown = window(lengths, header, page, total, PAGE_SIZE)
    page = shown.page
    if shown.pages > 1:
        head_lines.append(texts.STAFF_QUEUE_PAGE.format(page=page + 1, pages=shown.pages))
    lines = [entry_line(i + 1, found[i]) for i in shown.indexes] or [texts.STAFF_QUEUE_EMPTY]
    text = "\n".join(head_lines) + "\n\n" + "\n\n".join(lines)

    def pick(kind: str) -> InlineKeyboardButton:
        mark = "• " if chosen[kind] else ""
        return InlineKeyboardButton(
            text=mark + FILTER_LABELS[kind], callback_data=_pick_cb(flt, kind)
        )

    rows = [[pick("m"), pick("o")], [pick("p"), pick("g")]]
    if any(chosen.values()):
        rows.append(
            [InlineKeyboardButton(text=texts.STAFF_BTN_RESET, callback_data=QueueCb().pack())]
        )
    for i in shown.indexes:
        entry = found[i]
        rows.append(
            [
                InlineKeyboardButton(
                    text=f"№{entry.number} · {entry.applicant}"[:60],
                    callback_data=StaffCb(act="open", n=entry.number).pack(),
                )
            ]
        )
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(text=texts.BTN_PREV, callback_data=_queue_cb(flt, page - 1))
        )
    if shown.more:
        nav.append(
            InlineKeyboardButton(text=texts.BTN_NEXT, callback_data=_queue_cb(flt, page + 1))
        )
    if nav:
        rows.append(nav)
    if total:
        rows.append(
            [
                InlineKeyboardButton(
                    text=texts.STAFF_BTN_INCLUDE_ALL.format(count=total),
                    callback_data=AllCb(
                        act="ask", m=flt.municipality_of, o=flt.school, r=flt.program, g=flt.group
                    ).pack(),
                )
            ]
        )
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


@router.message(Command("queue"))
@router.message(F.text == texts.BTN_MENU_STAFF_QUEUE)
async def show_queue(message: Message, session: AsyncSession, state: FSMContext) -> None:
    await state.clear()
    text, markup = await render_queue(session, overview.QueueFilter(), 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(QueueCb.filter())
async def turn_queue(query: CallbackQuery, callback_data: QueueCb, session: AsyncSession) -> None:
    text, markup = await render_queue(session, _filter(callback_data), callback_data.p)
    if isinstance(query.message, Message):
        await edit_text(query.message, text, markup)
    await query.answer()


@router.callback_query(PickCb.filter())
async def pick_filter(query: CallbackQuery, callback_data: PickCb, session: AsyncSession) -> None:
    kind = callback_data.k
    if kind not in FILTER_LABELS:
        await query.answer(texts.BUTTON_OUTDATED, show_alert=True)
        return
    picked = await render_pick(session, _filter(callback_data), kind, callback_data.p)
    if picked is None:
        await query.answer(texts.STAFF_FILTER_NONE, show_alert=True)
        return
    if isinstance(query.message, Message):
        await edit_text(query.message, *picked)
    await query.answer()


async def render_pick(
    session: AsyncSession, flt: overview.QueueFilter, kind: str, page: int
) -> tuple[str, InlineKeyboardMarkup] | None:
    """One page of a filter's choices (None when there is nothing to choose)."""
    total = await overview.count_choices(session, flt, kind)
    if not total:
        return None
    pages = max(1, -(-total // CHOICES_PER_PAGE))
    page = max(0, min(page, pages - 1))
    shown = await overview.choices(
        session, flt, kind, offset=page * CHOICES_PER_PAGE, limit=CHOICES_PER_PAGE
    )

    def chosen(value: int) -> overview.QueueFilter:
        if kind == "m":
            return overview.QueueFilter(value, 0, flt.program, flt.group)
        if kind == "o":
            return overview.QueueFilter(flt.municipality_of, value, flt.program, flt.group)
        if kind == "p":
            return overview.QueueFilter(flt.municipality_of, flt.school, value, 0)
        return overview.QueueFilter(flt.municipality_of, flt.school, flt.program, value)

    rows = [
        [
            InlineKeyboardButton(
                text=f"{choice.label or texts.STAFF_OVERVIEW_NO_MUNICIPALITY}"[:50]
                + f" ({choice.count})",
                callback_data=_queue_cb(chosen(choice.id)),
            )
        ]
        for choice in shown
    ]
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(text=texts.BTN_PREV, callback_data=_pick_cb(flt, kind, page - 1))
        )
    if page < pages - 1:
        nav.append(
            InlineKeyboardButton(text=texts.BTN_NEXT, callback_data=_pick_cb(flt, kind, page + 1))
        )
    if nav:
        rows.append(nav)
    rows.append(
        [InlineKeyboardButton(text=texts.STAFF_BTN_ANY, callback_data=_queue_cb(chosen(0)))]
    )
    text = texts.STAFF_FILTER_CHOOSE.format(label=FILTER_LABELS[kind])
    if pages > 1:
        text += "\n" + texts.STAFF_QUEUE_PAGE.format(page=page + 1, pages=pages)
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def staff_keyboard(app: Application) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    if app.status is Status.APPROVED:
        rows.append(
            [
                InlineKeyboardButton(
                    text=texts.STAFF_BTN_INCLUDE,
                    callback_data=StaffCb(act="inc", n=app.number).pack(),
                )
            ]
        )
    if app.status in workflow.GROUP_CHANGE[workflow.Capacity.STAFF]:
        rows.append(
            [
                InlineKeyboardButton(
                    text=texts.STAFF_BTN_GROUP,
                    callback_data=StaffCb(act="grp", n=app.number).pack(),
                )
            ]
        )
    if app.status is not Status.CANCELLED:
        rows.append(
            [
                InlineKeyboardButton(
                    text=texts.STAFF_BTN_CANCEL,
                    callback_data=StaffCb(act="no", n=app.number).pack(),
                )
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


async def staff_card(
    session: AsyncSession, number: int, settings: Settings
) -> tuple[Application, str, InlineKeyboardMarkup | None]:
    app = await workflow.get_application(session, number)
    data = await cards.load_card(session, app.id)
    assert data is not None
    return app, card_text(data, settings.tz), staff_keyboard(app)


@router.callback_query(StaffCb.filter(F.act.in_({"open", "card"})))
async def open_card(
    query: CallbackQuery,
    callback_data: StaffCb,
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
) -> None:
    try:
        _, text, markup = await staff_card(session, callback_data.n, settings)
    except WorkflowError as error:
        await query.answer(refusal(error, callback_data.n), show_alert=True)
        return
    if callback_data.act == "card" and isinstance(query.message, Message):
        await edit_text(query.message, text, markup)
    else:
        await bot.send_message(query.from_user.id, text, reply_markup=markup)
    await query.answer()


@router.callback_query(StaffCb.filter(F.act == "inc"))
async def include_ask(
    query: CallbackQuery, callback_data: StaffCb, session: AsyncSession, person: Person
) -> None:
    number = callback_data.n
    try:
        app, _, _ = await workflow.check_status_change(
            session, number, Status.INCLUDED, Actor(person.id, Channel.BOT), seen=Status.APPROVED
        )
    except WorkflowError as error:
        await query.answer(refusal(error, number), show_alert=True)
        return
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=texts.BTN_CONFIRM, callback_data=StaffCb(act="incy", n=number).pack()
                ),
                InlineKeyboardButton(
                    text=texts.STAFF_BTN_TO_CARD,
                    callback_data=StaffCb(act="card", n=number).pack(),
                ),
            ]
        ]
    )
    if isinstance(query.message, Message):
        text = texts.STAFF_INCLUDE_CONFIRM.format(n=number, group=escape(app.group.name))
        await edit_text(query.message, text, markup)
    await query.answer()


@router.callback_query(StaffCb.filter(F.act == "incy"))
async def include_one(
    query: CallbackQuery,
    callback_data: StaffCb,
    session: AsyncSession,
    person: Person,
    settings: Settings,
) -> None:
    number = callback_data.n
    try:
        await workflow.change_status(
            session,
            number,
            Status.INCLUDED,
            Actor(person.id, Channel.BOT),
            seen=Status.APPROVED,
            tz=settings.tz,
        )
    except WorkflowError as error:
        await query.answer(refusal(error, number), show_alert=True)
        return
    if isinstance(query.message, Message):
        await edit_text(query.message, texts.STAFF_INCLUDED.format(n=number), None)
    await query.answer()


@router.callback_query(StaffCb.filter(F.act == "no"))
async def cancel_ask(
    query: CallbackQuery,
    callback_data: StaffCb,
    bot: Bot,
    session: AsyncSession,
    person: Person,
    state: FSMContext,
    settings: Settings,
) -> None:
    """A reason is asked for; the decision prompt of handlers.decide applies it."""
    number = callback_data.n
    try:
        app = await workflow.get_application(session, number)
        seen = app.status
        await workflow.check_status_change(
            session, app, Status.CANCELLED, Actor(person.id, Channel.BOT), seen=seen
        )
    except WorkflowError as error:
        await query.answer(refusal(error, number), show_alert=True)
        return
    prompt = await bot.send_message(
        query.from_user.id,
        texts.comment_prompt(number, Status.CANCELLED.value, True),
        reply_markup=decide_keyboard(allow_skip=False),
    )
    await state.set_state(Decide.comment)
    await state.set_data(
        {
            "n": number,
            "target": Status.CANCELLED.value,
            "seen": seen.value,
            "prompt": prompt.message_id,
        }
    )
    await query.answer()


@router.callback_query(StaffCb.filter(F.act == "grp"))
async def group_ask(
    query: CallbackQuery, callback_data: StaffCb, session: AsyncSession, settings: Settings
) -> None:
    number = callback_data.n
    try:
        app = await workflow.get_application(session, number)
    except WorkflowError as error:
        await query.answer(refusal(error, number), show_alert=True)
        return
    data = await cards.load_card(session, app.id, with_tabs=True)
    assert data is not None
    if app.status not in workflow.GROUP_CHANGE[workflow.Capacity.STAFF]:
        await query.answer(texts.GROUP_REFUSED, show_alert=True)
        return
    if not data.other_groups:
        await query.answer(texts.STAFF_GROUP_NONE, show_alert=True)
        return
    rows = [
        [
            InlineKeyboardButton(
                text=group.name[:60], callback_data=StaffCb(act="g", n=number, g=group.id).pack()
            )
        ]
        for group in data.other_groups
    ]
    rows.append(
        [
            InlineKeyboardButton(
                text=texts.STAFF_BTN_TO_CARD, callback_data=StaffCb(act="card", n=number).pack()
            )
        ]
    )
    if isinstance(query.message, Message):
        await edit_text(
            query.message,
            texts.STAFF_GROUP_CHOOSE.format(n=number),
            InlineKeyboardMarkup(inline_keyboard=rows),
        )
    await query.answer()


@router.callback_query(StaffCb.filter(F.act == "g"))
async def group_chosen(
    query: CallbackQuery,
    callback_data: StaffCb,
    session: AsyncSession,
    person: Person,
    settings: Settings,
) -> None:
    number = callback_data.n
    try:
        await workflow.change_group(
            session, number, callback_data.g, Actor(person.id, Channel.BOT), tz=settings.tz
        )
    except workflow.GroupNotAllowed:
        await query.answer(texts.GROUP_REFUSED, show_alert=True)
        return
    except WorkflowError as error:
        await query.answer(refusal(error, number), show_alert=True)
        return
    _, text, markup = await staff_card(session, number, settings)
    if isinstance(query.message, Message):
        await edit_text(query.message, text, markup)
    await query.answer(texts.GROUP_CHANGED)


@router.callback_query(StaffCb.filter())
async def staff_outdated(query: CallbackQuery) -> None:
    await query.answer(texts.BUTTON_OUTDATED, show_alert=True)


@router.callback_query(AllCb.filter(F.act == "ask"))
async def include_all_ask(
    query: CallbackQuery, callback_data: AllCb, session: AsyncSession, state: FSMContext
) -> None:
    found = await overview.queue_ids(session, _filter(callback_data))
    if not found:
        await query.answer(texts.STAFF_INCLUDE_ALL_NOTHING, show_alert=True)
        return
    # The confirmation is for exactly what was shown: later arrivals wait for their own look.
    await state.update_data(staff_bulk=found)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=texts.BTN_CONFIRM, callback_data=AllCb(act="yes").pack()),
                InlineKeyboardButton(text=texts.BTN_BACK, callback_data=AllCb(act="no").pack()),
            ]
        ]
    )
    await query.answer()
    assert query.bot is not None
    await query.bot.send_message(
        query.from_user.id,
        texts.STAFF_INCLUDE_ALL_CONFIRM.format(count=len(found)),
        reply_markup=markup,
    )


@router.callback_query(AllCb.filter(F.act == "yes"))
async def include_all_yes(
    query: CallbackQuery,
    session: AsyncSession,
    state: FSMContext,
    person: Person,
    settings: Settings,
) -> None:
    ids = (await state.get_data()).get("staff_bulk") or []
    await state.update_data(staff_bulk=None)
    if not ids:
        await query.answer(texts.BUTTON_OUTDATED, show_alert=True)
        return
    report = await bulk.include_all(session, person.id, ids, tz=settings.tz)
    lines = [texts.STAFF_INCLUDE_ALL_DONE.format(count=len(report.done))]
    if report.skipped:
        lines.append(texts.STAFF_INCLUDE_ALL_SKIPPED.format(count=len(report.skipped)))
        lines += [f"• №{n}: {refusal(error, n)}" for n, error in report.skipped]
    text = "\n".join(lines)
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    if isinstance(query.message, Message):
        await edit_text(query.message, text, None)
    await query.answer()


@router.callback_query(AllCb.filter())
async def include_all_no(query: CallbackQuery, state: FSMContext) -> None:
    await state.update_data(staff_bulk=None)
    if isinstance(query.message, Message):
        await edit_text(query.message, texts.STAFF_INCLUDE_ALL_CANCELLED, None)
    await query.answer()


# --- assessment results --------------------------------------------------------------------------


async def render_assessment(
    session: AsyncSession, person: Person
) -> tuple[str, InlineKeyboardMarkup | None]:
    results = await assessment.results_of(session, person.id)
    if not results:
        return texts.STAFF_ASSESS_NO_SECTIONS, None
    text = texts.STAFF_ASSESS_TITLE.format(
        name=escape(person.full_name),
        code=escape(person.code),
        passed=sum(r.passed for r in results),
        total=len(results),
    )
    rows = [
        [
            InlineKeyboardButton(
                text=("✅ " if r.passed else "⬜ ") + r.name[:55],
                callback_data=AssessCb(u=person.id, s=r.section_id, v=0 if r.passed else 1).pack(),
            )
        ]
        for r in results
    ]
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


@router.message(Command("assess"))
async def assess(message: Message, command: CommandObject, session: AsyncSession) -> None:
    code = (command.args or "").strip()
    if not code:
        await message.answer(texts.STAFF_ASSESS_USAGE)
        return
    try:
        teacher = await assessment.person_by_code(session, code)
    except assessment.PersonNotFound:
        await message.answer(texts.STAFF_ASSESS_NOT_FOUND.format(code=escape(code[:64])))
        return
    text, markup = await render_assessment(session, teacher)
    await message.answer(text, reply_markup=markup)


@router.callback_query(AssessCb.filter())
async def toggle_section(
    query: CallbackQuery, callback_data: AssessCb, session: AsyncSession
) -> None:
    teacher = await session.get(Person, callback_data.u)
    if teacher is None:
        await query.answer(texts.BUTTON_OUTDATED, show_alert=True)
        return
    try:
        await assessment.set_result(session, teacher.id, callback_data.s, bool(callback_data.v))
    except assessment.SectionNotFound:
        await query.answer(texts.BUTTON_OUTDATED, show_alert=True)
        return
    text, markup = await render_assessment(session, teacher)
    if isinstance(query.message, Message):
        await edit_text(query.message, text, markup)
    await query.answer(texts.STAFF_ASSESS_SAVED)


# --- the region overview -------------------------------------------------------------------------


def _counts(counts: dict[Status, int]) -> str:
    return " · ".join(f"{escape(texts.LIST_SHORT_STATUS[s.value])} {counts[s]}" for s in Status)


def overview_lines(data: overview.Overview) -> list[str]:
    total = sum(data.totals.values())
    lines = [texts.STAFF_OVERVIEW_TITLE, texts.STAFF_OVERVIEW_TOTAL.format(total=total)]
    if not total:
        lines.append(texts.STAFF_OVERVIEW_EMPTY)
    else:
        lines.append(_counts(data.totals))
        lines += ["", texts.STAFF_OVERVIEW_MUNICIPALITIES]
        for place in data.municipalities:
            name = place.name or texts.STAFF_OVERVIEW_NO_MUNICIPALITY
            lines.append(f"<b>{escape(name)}</b> — {place.total}: {_counts(place.counts)}")
        lines += ["", texts.STAFF_OVERVIEW_SCHOOLS]
        for place in data.schools:
            lines.append(f"🏫 {escape(place.name)} — {place.total}: {_counts(place.counts)}")
    lines += ["", texts.STAFF_OVERVIEW_ESCALATED.format(after=data.escalate_after_days)]
    if not data.escalated:
        lines.append(texts.STAFF_OVERVIEW_ESCALATED_NONE)
    for item in data.escalated:
        lines.append(
            texts.STAFF_OVERVIEW_ESCALATED_LINE.format(
                school=escape(item.school),
                municipality=escape(item.municipality or texts.STAFF_OVERVIEW_NO_MUNICIPALITY),
                count=item.waiting,
                days=item.oldest_days,
            )
        )
        if not item.directors:
            lines.append(texts.STAFF_OVERVIEW_NO_DIRECTOR)
        for director in item.directors:
            mark = (
                texts.STAFF_OVERVIEW_REACHABLE
                if director.reachable
                else texts.STAFF_OVERVIEW_UNREACHABLE
            )
            lines.append(
                texts.STAFF_OVERVIEW_DIRECTOR.format(mark=mark, name=escape(director.name))
            )
    return lines


def split_messages(lines: list[str], limit: int = MAX_TEXT) -> list[str]:
    """Lines joined into messages of at most `limit` characters (a longer line is cut)."""
    parts: list[str] = []
    current = ""
    for line in lines:
        if len(line) > limit:
            line = line[: limit - 1] + "…"
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts


async def load(session: AsyncSession, settings: Settings) -> overview.Overview:
    return await overview.load_overview(
        session,
        today=workflow.local_today(utcnow(), settings.tz),
        calendar=WorkCalendar.from_file(settings.workdays_file),
        escalate_after_days=settings.escalate_after_days,
    )


@router.message(Command("overview"))
@router.message(F.text == texts.BTN_MENU_STAFF_OVERVIEW)
async def show_overview(
    message: Message, bot: Bot, session: AsyncSession, settings: Settings
) -> None:
    data = await load(session, settings)
    for part in split_messages(overview_lines(data)):
        await message.answer(part)
    if data.municipalities:
        png = render_chart(data.municipalities)
        await bot.send_photo(
            message.chat.id,
            BufferedInputFile(png, "overview.png"),
            caption=texts.STAFF_CHART_CAPTION,
        )
