"""Every Russian text the bot shows, in one place (values are escaped by the callers)."""

from __future__ import annotations

from html import escape

from models import Role
from services.labels import ROLE_LABELS

BTN_CONSENT = "Ознакомился"

CONSENT = (
    "<b>Согласие на обработку персональных данных</b>\n\n"
    "Бот «Организация ДПО» ГБУ ДПО «ЧИРО» обрабатывает ваши персональные данные "
    "(ФИО, номер телефона, место работы, идентификатор Telegram, сведения о заявках на "
    "оценку профессиональных компетенций и курсы повышения квалификации) в соответствии с "
    "Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных» — только для того, "
    "чтобы сообщать о заявках и принимать по ним решения.\n\n"
    "Данные не передаются третьим лицам, кроме информационной системы «Образование в "
    "Челябинской области». Отозвать согласие можно, обратившись в ГБУ ДПО «ЧИРО».\n\n"
    "Нажмите «Ознакомился», чтобы продолжить."
)
CONSENT_FIRST = "Сначала ознакомьтесь с согласием на обработку персональных данных."
CONSENT_THANKS = "Спасибо, согласие сохранено."
CONSENT_ALREADY = "Согласие уже сохранено."

# The regional system, named one way in every text about getting access.
REGIONAL_SYSTEM = "ГИС «Образование в Челябинской области»"
# An account not linked yet gets this one message (with the «Поделиться номером» keyboard),
# whatever it sends.
HOW_TO_GET_ACCESS = (
    "Чтобы пользоваться ботом, привяжите Telegram к своей учётной записи "
    f"в {REGIONAL_SYSTEM}:\n\n"
    "• откройте ссылку-приглашение от администратора вашей школы или отправьте код "
    "приглашения сообщением;\n"
    "• или нажмите «Поделиться номером» под полем ввода, если там указан ваш номер телефона.\n\n"
    f"Если приглашения нет, обратитесь к администратору {REGIONAL_SYSTEM} в вашей школе "
    "или в ГБУ ДПО «ЧИРО»."
)

ERROR = "Что-то пошло не так. Попробуйте ещё раз чуть позже."

COMMANDS = {
    "start": "Начало работы",
    "help": "Помощь",
    "cancel": "Отменить ввод",
}


def address(full_name: str) -> str:
    """How a person is addressed: «Фамилия Имя Отчество» → «Имя Отчество».

    Two words are taken as «Фамилия Имя» (the name alone); one word is used as it is.
    """
    words = full_name.split()
    if len(words) >= 3:
        return " ".join(words[1:])
    if len(words) == 2:
        return words[1]
    return full_name.strip()


def greeting(full_name: str, roles: list[Role]) -> str:
    """The greeting; `roles` are the roles held, the active one first (as /help names it)."""
    head = f"Здравствуйте, {escape(address(full_name))}!"
    if len(roles) <= 1:
        role = ROLE_LABELS[roles[0]] if roles else "—"
        return f"{head}\nВаша роль: <b>{escape(role)}</b>."
    active, *others = (escape(ROLE_LABELS[r]) for r in roles)
    return f"{head}\nВаши роли: <b>{active}</b>, {', '.join(others)}."


CANCELLED = "Ввод отменён."
NOTHING_TO_CANCEL = "Нечего отменять."
HELP = (
    "Бот «Организация ДПО» сообщает о заявках на оценку профессиональных компетенций и "
    "курсы повышения квалификации.\n\n"
    "/start — начало работы\n/help — эта справка\n/cancel — отменить ввод"
)
UNKNOWN = "Не понял сообщение. Список команд — /help."
BUTTON_OUTDATED = "Эта кнопка устарела. Откройте заявку заново."

# --- linking (§4.1) ---------------------------------------------------------------------------
BTN_SHARE_PHONE = "📱 Поделиться номером"
LINK_PROMPT = (
    "Отправьте код приглашения сообщением или нажмите «Поделиться номером», "
    f"если ваш номер телефона указан в {REGIONAL_SYSTEM}."
)
LINK_BAD_CODE = {
    "unknown": "Код приглашения не найден. Проверьте его и отправьте ещё раз.",
    "used": "Этот код уже использован. Попросите у администратора новое приглашение.",
    "expired": "Срок действия приглашения истёк. Попросите у администратора новое.",
}
LINK_TOO_MANY = "Слишком много неверных кодов. Попробуйте снова через час."
LINK_ACCOUNT_TAKEN = (
    "Этот аккаунт Telegram уже привязан к другому человеку. "
    "Если это ошибка, обратитесь к администратору."
)
LINK_NOT_OWN_CONTACT = "Можно отправить только свой номер — кнопкой «Поделиться номером»."
LINK_PHONE_NOT_FOUND = (
    f"Номер не найден среди пользователей {REGIONAL_SYSTEM}. "
    "Попросите у администратора код приглашения."
)
LINK_PHONE_AMBIGUOUS = "Этот номер указан у нескольких людей — войдите по коду приглашения."
LINK_PERSON_TAKEN = (
    "Этот человек уже привязан к другому аккаунту Telegram. Войдите по коду приглашения."
)
LINK_FIRST = "Сначала привяжите аккаунт: отправьте код приглашения."


def waiting_applications(count: int) -> str:
    return f"Заявок ждут вашего решения: {count}. Карточки — ниже."


# --- cards and decisions (§4.2) ---------------------------------------------------------------
BTN_APPROVE = "✅ Одобрить"
BTN_CANCEL = "❌ Отменить"
BTN_MORE = "Подробнее"
BTN_NO_COMMENT = "Без комментария"
BTN_BACK = "Назад"
BTN_TAB_INFO = "Сведения о заявке"
BTN_TAB_COMMENTS = "Комментарии"
BTN_TAB_HISTORY = "История действий"

DECISION_VERB = {"approved": "одобряете", "cancelled": "отменяете"}
DECISION_DONE = {"approved": "✅ Заявка №{n} одобрена.", "cancelled": "❌ Заявка №{n} отменена."}


def comment_prompt(number: int, target: str, reason_required: bool) -> str:
    head = f"Вы <b>{DECISION_VERB[target]}</b> заявку №{number}.\n"
    if reason_required:
        return head + "Напишите причину отмены для заявителя (до 1000 символов)."
    return head + (
        "Напишите комментарий для заявителя (до 1000 символов) или нажмите «Без комментария»."
    )


COMMENT_TOO_LONG = "Комментарий длиннее 1000 символов ({length}). Сократите и отправьте ещё раз."
REASON_REQUIRED = "Укажите причину отмены — напишите её сообщением."
DECISION_ABANDONED = "Решение по заявке №{n} не принято. Заявка ждёт вас."
DECISION_APPLIED_NOTE = "Заявитель получит уведомление."
NOT_ALLOWED = "У вас нет прав на это действие с заявкой №{n}."
NOT_FOUND = "Заявка №{n} не найдена."
STALE = "Заявка №{n} уже в статусе «{status}». Карточка обновлена."
TRANSITION_REFUSED = "Из статуса «{current}» нельзя перейти в «{target}»."
PRECONDITION = (
    "Нельзя одобрить заявку на курс: оценка компетенций не пройдена — "
    "пройдено {passed} из {total} разделов."
)
PRECONDITION_NO_DATA = "Нельзя одобрить заявку на курс: результаты оценки компетенций не загружены."
COMMENT_TEXT_ONLY = "Напишите комментарий текстом или нажмите «Без комментария» либо «Назад»."

# --- menus (§4.6, §4.7): the reply-keyboard buttons of each role ------------------------------
BTN_MENU_APPLICATIONS = "📋 Заявки"
BTN_MENU_MY = "📋 Мои заявки"
BTN_MENU_DEPUTY = "👥 Заместитель"
BTN_MENU_SETTINGS = "⚙️ Настройки"
BTN_MENU_ROLE = "🔄 Сменить роль"
BTN_MENU_HELP = "❓ Помощь"
BTN_REPLY = "Ответить"

# --- «Заявки» for directors (§4.2) ------------------------------------------------------------
LIST_TITLE = "📋 <b>Заявки</b>"
LIST_ALL = "Все"
LIST_SHORT_STATUS = {
    "new": "Не обработана",
    "approved": "Подтверждена",
    "cancelled": "Отменена",
    "included": "Включен в группу",
}
LIST_EMPTY = "Заявок нет."
LIST_SEARCH = "Поиск по фамилии «{term}»"
LIST_PAGE = "Страница {page} из {pages}"
LIST_NOT_DECIDER = "Список заявок школы доступен руководителю ОО и его заместителю."
SEARCH_TOO_SHORT = (
    "Чтобы найти заявку, напишите фамилию заявителя (от 2 букв) или откройте /applications."
)
BTN_APPROVE_ALL = "Одобрить все"
BTN_CONFIRM = "Подтвердить"
BTN_PREV = "‹"
BTN_NEXT = "›"
BTN_TAB_GROUP = "Смена группы"
BULK_CONFIRM = (
    "Одобрить все заявки в статусе «Не обработана»: {count}? Каждая будет проверена отдельно."
)
BULK_NOTHING = "Нечего одобрять: необработанных заявок нет."
BULK_CANCELLED = "Массовое одобрение отменено."
GROUP_CHOOSE = "Выберите новую группу программы. Сейчас: «{group}»."
GROUP_NONE = "У этой программы нет других групп."
GROUP_CHANGED = "Группа изменена. Заявитель получит уведомление."
GROUP_REFUSED = "Группу сейчас изменить нельзя."


def bulk_report(approved: int, skipped: list[tuple[int, str]]) -> str:
    text = f"Одобрено: {approved}"
    if skipped:
        text += f", пропущено: {len(skipped)}"
        text += "".join(f"\n• №{number}: {reason}" for number, reason in skipped)
    return text + "."


# --- «Мои заявки» for teachers (§4.3) ---------------------------------------------------------
MY_TITLE = "📋 <b>Мои заявки</b> — {count}"
MY_PAGE = "Страница {page} из {pages}"
MY_EMPTY = (
    "У вас пока нет заявок. Они появятся здесь, когда заявка будет подана "
    "в модуле «Организация ДПО»."
)
MY_BTN_PREV = "‹"
MY_BTN_NEXT = "›"
WITHDRAW_BTN = "Отозвать заявку"
# «Отозвать заявку» opens this prompt at once: it is the confirmation, «Назад» leaves it.
WITHDRAW_REASON_PROMPT = (
    "Отозвать заявку <b>№{n}</b>?\n"
    "<b>Программа:</b> {program}\n"
    "<b>Группа:</b> {group}\n"
    "<b>Статус:</b> {status}\n\n"
    "Отозванную заявку нельзя восстановить. Руководитель ОО получит уведомление.\n"
    "Напишите причину (до 1000 символов) или нажмите «Без комментария»."
)
WITHDRAW_DONE = "Заявка №{n} отозвана. Руководитель ОО получит уведомление."
WITHDRAW_TEXT_ONLY = "Напишите причину текстом или нажмите «Без комментария» либо «Назад»."
REPLY_PROMPT = (
    "Напишите ответ на комментарий к заявке №{n} одним сообщением (до 1000 символов).\n\n"
    "<b>{author}:</b> «{text}»"
)
REPLY_SENT = "💬 Ответ по заявке №{n} отправлен. Руководитель ОО получит уведомление."
REPLY_ABANDONED = "Ответ по заявке №{n} не отправлен."
REPLY_TEXT_ONLY = "Напишите ответ текстом или нажмите «Назад»."

# --- roles, menus and per-role help (§2, §4.6) ------------------------------------------------
MENU_COMMANDS = {
    "applications": "Заявки школы",
    "my": "Мои заявки",
    "deputy": "Заместитель на время отсутствия",
    "queue": "Одобренные заявки: включение в группу",
    "overview": "Обзор региона",
    "export": "Выгрузка заявок (XLSX)",
    "assess": "Результаты оценки: /assess КОД",
    "settings": "Настройки уведомлений",
    "role": "Сменить роль",
    "cancel": "Отменить ввод",
    "help": "Помощь",
}
MENU_HELP_INTRO = {
    Role.DIRECTOR: (
        "Ваша роль: <b>Руководитель ОО</b>.\n"
        "Новые заявки педагогов школы приходят карточками с кнопками «✅ Одобрить» и "
        "«❌ Отменить»; в рабочие дни — сводка заявок, которые ждут вашего решения."
    ),
    Role.TEACHER: (
        "Ваша роль: <b>Слушатель</b>.\n"
        "Бот сразу сообщает о каждом изменении ваших заявок: статус, комментарий, группа, "
        "даты обучения."
    ),
    Role.STAFF: (
        "Ваша роль: <b>Работник ЧИРО</b>.\n"
        "Очередь одобренных заявок — включение в группу; результаты оценки; обзор региона с "
        "диаграммой; загрузка файла CSV или XLSX прямо в чат и выгрузка заявок. Бот присылает "
        "сводку заявок, которые школы долго не рассматривают."
    ),
}
MENU_HELP_COMMANDS = "Команды:"
MENU_HELP_FOOTER = (
    "Те же действия — кнопками меню под полем ввода. Уведомления приходят при любой выбранной роли."
)
MENU_SHOWN = "Меню — кнопками под полем ввода."
ROLE_CHOOSE = (
    "Ваша роль сейчас: <b>{role}</b>.\nВыберите роль — от неё зависят меню и команды. "
    "Уведомления приходят при любой роли."
)
ROLE_CURRENT_MARK = "• "
ROLE_ONLY_ONE = "У вас одна роль — {role}. Сменить её не на что."
ROLE_SWITCHED = "Ваша роль: <b>{role}</b>. Меню и команды обновлены."
ROLE_NOT_HELD = "У вас нет этой роли."

# --- personal settings (§4.5, §5) -------------------------------------------------------------
SETTINGS_SCREEN = (
    "<b>Настройки уведомлений</b>\n\n"
    "🕘 Ежедневная сводка: <b>{digest}</b>\n"
    "🔔 Новые заявки: <b>{instant}</b>\n"
    "🌙 Тихие часы: <b>{quiet}</b>\n\n"
    "В тихие часы сводки и напоминания ждут их окончания, "
    "а срочные сообщения приходят без звука."
)
SETTINGS_DEFAULT = " (по умолчанию)"
SETTINGS_INSTANT = {True: "сразу, карточкой", False: "только в сводке"}
SETTINGS_QUIET_OFF = "выключены"
SETTINGS_BTN_DIGEST = "🕘 Время сводки"
# The toggle names what a press will do.
SETTINGS_BTN_INSTANT = {True: "🔕 Только сводка", False: "🔔 Присылать сразу"}
SETTINGS_BTN_QUIET = "🌙 Тихие часы"
SETTINGS_ASK_DIGEST = (
    "Во сколько присылать ежедневную сводку? Напишите время в формате ЧЧ:ММ, например 08:30.\n"
    "/cancel — оставить как есть."
)
SETTINGS_ASK_QUIET = (
    "Напишите тихие часы в формате ЧЧ:ММ-ЧЧ:ММ, например 21:00-08:00, "
    "или «выкл», чтобы их выключить.\n/cancel — оставить как есть."
)
SETTINGS_BAD_DIGEST = "«{value}» — не время. Напишите в формате ЧЧ:ММ, например 08:30, или /cancel."
SETTINGS_BAD_QUIET = (
    "«{value}» не подходит. Напишите ЧЧ:ММ-ЧЧ:ММ, например 21:00-08:00, «выкл» или /cancel."
)
SETTINGS_TEXT_ONLY = "Напишите значение сообщением или /cancel, чтобы оставить как есть."
SETTINGS_OFF_WORDS = frozenset({"выкл", "выключить", "выключено", "нет", "off"})
SETTINGS_SAVED = "✅ Сохранено."

# --- deputy (§4.2) ----------------------------------------------------------------------------
DEPUTY_NOT_DIRECTOR = "Назначать заместителя может только руководитель ОО."
DEPUTY_SCREEN = (
    "<b>Заместитель</b>\n"
    "На время вашего отсутствия заместитель получает новые заявки школы и решает по ним. "
    "В истории заявки видно, кто действовал и за кого.\n\n{lines}"
)
DEPUTY_NONE = "Заместитель не назначен."
DEPUTY_LINE = "• {name} — с {start} по {end}"
DEPUTY_LINE_ACTIVE = " (действует)"
DEPUTY_BTN_NEW = "➕ Назначить заместителя"
DEPUTY_BTN_REVOKE = "Отозвать: {name}"
DEPUTY_BTN_CONFIRM = "Подтвердить"
DEPUTY_BTN_PREV = BTN_PREV  # page arrows are the same on every screen
DEPUTY_BTN_NEXT = BTN_NEXT
DEPUTY_PICK = "Кого назначить заместителем? Коллеги вашей школы, подключённые к боту:"
DEPUTY_PICK_PAGE = "\nСтраница {page} из {pages}."
DEPUTY_NO_COLLEAGUES = (
    "В вашей школе пока нет коллег, подключённых к боту. Заместителем можно назначить того, "
    "кто открыл приглашение и начал работу с ботом."
)
DEPUTY_ASK_PERIOD = (
    "Заместитель: <b>{name}</b>.\n"
    "Напишите период в формате ДД.ММ.ГГГГ-ДД.ММ.ГГГГ, например {example}. "
    "Оба дня включаются, не длиннее {days} дней.\n/cancel — отменить."
)
DEPUTY_BAD_PERIOD = {
    "format": "Не понял период. Нужно ДД.ММ.ГГГГ-ДД.ММ.ГГГГ, например {example}.",
    "order": "Дата начала позже даты окончания.",
    "past": "Период уже закончился: дата окончания раньше сегодняшней.",
    "too_long": "Период длиннее {days} дней.",
}
DEPUTY_ASK_AGAIN = "\nНапишите период ещё раз или /cancel."
DEPUTY_TEXT_ONLY = "Напишите период сообщением, например {example}, или /cancel."
DEPUTY_CONFIRM = "Назначить <b>{name}</b> заместителем с {start} по {end}?"
DEPUTY_PRESS_BUTTON = "Нажмите «Подтвердить» или «Назад» (или /cancel)."
DEPUTY_DONE = "✅ {name} — ваш заместитель с {start} по {end}. Коллеге придёт уведомление."
DEPUTY_REVOKED = "Полномочия заместителя отозваны: {name}."
DEPUTY_NOT_COLLEAGUE = "Этого человека нет среди подключённых к боту коллег вашей школы."
DEPUTY_OVERLAP = (
    "{name} уже ваш заместитель на часть этого периода. "
    "Выберите другие даты или сначала отзовите прежнее назначение."
)
DEPUTY_NOT_FOUND = "Это назначение уже отозвано или закончилось."
DEPUTY_OUTDATED = "Эта кнопка устарела. Откройте /deputy заново."
DEPUTY_NOTICE = (
    "Руководитель {director} ({school}) назначил(а) вас заместителем с {start} по {end}.\n"
    "В этот период вам будут приходить заявки школы с кнопками «✅ Одобрить» и «❌ Отменить»."
)
DEPUTY_REVOKED_NOTICE = "Руководитель {director} ({school}) отозвал(а) ваши полномочия заместителя."

# --- Scheduled messages: digest, reminders, escalation, deadlines (§5) ------------------------
DIGEST_TITLE = "📬 <b>Заявки ждут решения</b> · {day}"
DIGEST_PART = " · часть {part} из {parts}"
DIGEST_SUMMARY = "Не обработано: <b>{count}</b>. Самая давняя подана {oldest} ({age})."
DIGEST_AGE_TODAY = "сегодня"
DIGEST_AGE = "{days} назад"
DIGEST_DAY_FORMS = ("день", "дня", "дней")
DIGEST_HINT = "Нажмите на заявку, чтобы открыть карточку."
DIGEST_HINT_LAST = "Нажмите на заявку, чтобы открыть карточку, или одобрите все сразу."
DIGEST_LINE = "{index}. <b>№{number}</b> · {applicant} · {program}"
REMIND_TITLE = "⏰ <b>Напоминание</b>{part}\nЗаявки ждут решения больше {after}:"
REMIND_AFTER_FORMS = ("рабочего дня", "рабочих дней", "рабочих дней")
REMIND_LINE = "{index}. <b>№{number}</b> · {applicant} · {program} · {age}"
REMIND_AGE = "{days} раб. дн."
ESCALATE_TITLE = "🚨 <b>Заявки без решения больше {after}</b> · {day}{part}"
ESCALATE_SUMMARY = "Всего: <b>{count}</b>. Руководителям ОО отправлены напоминания."
ESCALATE_MUNICIPALITY = "<b>{name}</b>"
ESCALATE_NO_MUNICIPALITY = "Муниципалитет не указан"
ESCALATE_SCHOOL = "🏫 {name}"
ESCALATE_LINE = "• <b>№{number}</b> · {applicant} · {age}"
DEADLINE_TITLE = "⚠️ <b>Скоро начало обучения</b>{part}\nЗаявки ещё не обработаны:"
DEADLINE_LINE = "{index}. <b>№{number}</b> · {applicant} · {program} · начало {start}"

# --- Staff of the regional institute: queue, assessment, overview, files (§4.4, §7.3) ----------
BTN_MENU_STAFF_QUEUE = "📥 Очередь"
BTN_MENU_STAFF_OVERVIEW = "📊 Обзор"
BTN_MENU_STAFF_EXPORT = "📤 Выгрузка"
STAFF_QUEUE_TITLE = "📥 <b>Очередь: одобренные заявки</b> — {count}"
STAFF_QUEUE_PAGE = "Страница {page} из {pages}"
STAFF_QUEUE_EMPTY = "Одобренных заявок нет."
STAFF_FILTER_MUNICIPALITY = "Муниципалитет"
STAFF_FILTER_SCHOOL = "Школа"
STAFF_FILTER_PROGRAM = "Программа"
STAFF_FILTER_GROUP = "Группа"
STAFF_FILTER_LINE = "{label}: {value}"
STAFF_FILTER_CHOOSE = "Выберите: {label}"
STAFF_FILTER_NONE = "Нечего выбирать: в очереди нет заявок."
STAFF_BTN_ANY = "Все"
STAFF_BTN_RESET = "Сбросить фильтры"
STAFF_BTN_INCLUDE = "✅ Включить в группу"
STAFF_BTN_INCLUDE_ALL = "✅ Включить всех ({count})"
STAFF_BTN_CANCEL = "❌ Отменить"
STAFF_BTN_GROUP = "🔁 Смена группы"
STAFF_BTN_TO_CARD = "Назад"
STAFF_INCLUDE_CONFIRM = "Включить заявку №{n} в группу «{group}»? Заявитель получит уведомление."
STAFF_INCLUDED = "✅ Заявка №{n} включена в группу. Заявитель получит уведомление."
STAFF_INCLUDE_ALL_CONFIRM = (
    "Включить в группу все показанные заявки ({count})? Каждый заявитель получит уведомление."
)
STAFF_INCLUDE_ALL_CANCELLED = "Включение отменено. Заявки остались в очереди."
STAFF_INCLUDE_ALL_NOTHING = "Включать нечего: в очереди нет заявок."
STAFF_INCLUDE_ALL_DONE = "✅ Включено в группу: <b>{count}</b>."
STAFF_INCLUDE_ALL_SKIPPED = "Не включены ({count}):"
STAFF_GROUP_CHOOSE = "Заявка №{n}: выберите новую группу программы."
STAFF_GROUP_NONE = "У этой программы нет других групп."
STAFF_NOT_STAFF = "Эта команда доступна только работникам ЧИРО."
STAFF_ASSESS_USAGE = "Укажите код педагога: /assess P-1002"
STAFF_ASSESS_NOT_FOUND = "Человек с кодом «{code}» не найден."
STAFF_ASSESS_NO_SECTIONS = "Разделы оценки ещё не загружены (файл результатов оценки)."
STAFF_ASSESS_TITLE = (
    "📝 <b>Оценка компетенций</b>\n{name} ({code})\nПройдено разделов: {passed} из {total}\n\n"
    "Нажмите на раздел, чтобы отметить его пройденным или не пройденным."
)
STAFF_ASSESS_SAVED = "Сохранено"
STAFF_OVERVIEW_TITLE = "📊 <b>Обзор региона</b>"
STAFF_OVERVIEW_TOTAL = "<b>Всего заявок:</b> {total}"
STAFF_OVERVIEW_MUNICIPALITIES = "<b>По муниципалитетам</b>"
STAFF_OVERVIEW_SCHOOLS = "<b>По школам</b>"
STAFF_OVERVIEW_NO_MUNICIPALITY = "Муниципалитет не указан"
STAFF_OVERVIEW_ESCALATED = "🚨 <b>Школы с заявками без решения больше {after} раб. дн.</b>"
STAFF_OVERVIEW_ESCALATED_NONE = "Заявок, ждущих решения дольше срока, нет."
STAFF_OVERVIEW_ESCALATED_LINE = "🏫 {school} ({municipality}): {count} шт., до {days} раб. дн."
STAFF_OVERVIEW_DIRECTOR = "   {mark} {name}"
STAFF_OVERVIEW_REACHABLE = "✅ на связи в боте"
STAFF_OVERVIEW_UNREACHABLE = "⚠️ недоступен в боте"
STAFF_OVERVIEW_NO_DIRECTOR = "   ⚠️ руководитель не указан"
STAFF_OVERVIEW_EMPTY = "Заявок пока нет."
STAFF_CHART_CAPTION = "Статусы заявок по муниципалитетам"
STAFF_CHART_TITLE = "Заявки по муниципалитетам"
STAFF_FILE_NOT_STAFF = (
    "Спасибо, но загружать файлы в бот могут только работники ЧИРО. "
    "Если нужно что-то исправить в заявке, напишите комментарий на её карточке."
)
STAFF_FILE_TOO_BIG = "Файл больше 20 МБ — бот не может его скачать. Разбейте его на части."
STAFF_FILE_KIND = "Пришлите файл CSV или XLSX (люди, заявки или результаты оценки)."
STAFF_FILE_RECEIVED = "Файл «{name}» получен, загружаю…"
STAFF_FILE_DONE = "✅ Файл загружен.\n<pre>{summary}</pre>"
STAFF_FILE_FAILED = "❌ Файл не загружен, ничего не изменено.\n<pre>{summary}</pre>"
STAFF_FILE_ERRORS = "<b>Ошибки</b> ({part}):\n<pre>{lines}</pre>"
STAFF_FILE_UNREADABLE = "Не удалось скачать файл из Telegram. Пришлите его ещё раз."
STAFF_EXPORT_NAME = "Заявки.xlsx"
STAFF_EXPORT_CAPTION = "Выгрузка: {count}"
APPLICATION_FORMS = ("заявка", "заявки", "заявок")
STAFF_EXPORT_TOO_MANY = (
    "В выгрузке больше {limit} заявок — такой файл в чат не отправить. "
    "Выгрузите заявки командой <code>dpo-bot export</code> на сервере."
)
STAFF_EXPORT_TOO_BIG = (
    "Выгрузка получилась {size} МБ — больше 50 МБ, которые Telegram позволяет отправить ботом. "
    "Выгрузите заявки командой <code>dpo-bot export</code> на сервере."
)
