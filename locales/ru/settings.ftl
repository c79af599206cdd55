# Part of the bot's Russian texts, named in handlers/texts/settings.py (the conventions: entry.ftl).

## personal settings (§4.5, §5)
settings-screen =
    <b>Настройки уведомлений</b>

    🕘 Ежедневная сводка: <b>{ $digest }</b>
    🔔 Новые заявки: <b>{ $instant }</b>
    🌙 Тихие часы: <b>{ $quiet }</b>

    В тихие часы сводки и напоминания ждут их окончания, а срочные сообщения приходят без звука.
settings-screen-teacher =
    <b>Настройки уведомлений</b>

    🌙 Тихие часы: <b>{ $quiet }</b>

    В тихие часы напоминания ждут их окончания, а ответы по вашим заявкам приходят без звука. Ежедневная сводка и карточки новых заявок приходят руководителям и их заместителям: если вас назначат заместителем, здесь появятся и их настройки.
settings-default = {" "}(по умолчанию)
settings-instant-on = сразу, карточкой
settings-instant-off = только в сводке
settings-quiet-off = выключены
settings-btn-digest = 🕘 Время сводки
settings-btn-instant-on = 🔕 Только сводка
settings-btn-instant-off = 🔔 Присылать сразу
settings-btn-quiet = 🌙 Тихие часы
settings-ask-digest =
    Во сколько присылать ежедневную сводку? Напишите время в формате ЧЧ:ММ, например 08:30.
    /cancel — оставить как есть.
settings-ask-quiet =
    Напишите тихие часы в формате ЧЧ:ММ-ЧЧ:ММ, например 21:00-08:00, или «выкл», чтобы их выключить.
    /cancel — оставить как есть.
settings-bad-digest =
    «{ $value }» — не время. Напишите в формате ЧЧ:ММ, например 08:30, или /cancel.
settings-bad-quiet =
    «{ $value }» не подходит. Напишите ЧЧ:ММ-ЧЧ:ММ, например 21:00-08:00, «выкл» или /cancel.
settings-text-only = Напишите значение сообщением или /cancel, чтобы оставить как есть.
settings-off-words = off выкл выключено выключить нет
settings-saved = ✅ Сохранено.
