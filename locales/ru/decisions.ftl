# Part of the bot's Russian texts, named in handlers/texts/decisions.py (the conventions: entry.ftl).

## cards and decisions (§4.2)
btn-approve = ✅ Одобрить
btn-cancel = ❌ Отменить
btn-more = Подробнее
btn-no-comment = Без комментария
btn-back = Назад
btn-tab-info = Сведения о заявке
btn-tab-comments = Комментарии
btn-tab-history = История действий
decision-verb-approved = одобряете
decision-verb-cancelled = отменяете
decision-done-approved = ✅ Заявка №{ $n } одобрена.
decision-done-cancelled = ❌ Заявка №{ $n } отменена.
btn-undo = ↩️ Вернуть
undo-hint = Ошиблись? «Вернуть» — в течение { $minutes } мин.
undo-done = ↩️ Отмена заявки №{ $n } возвращена: статус «{ $status }». Заявитель получит уведомление.
undo-expired = Вернуть заявку №{ $n } можно только в течение { $minutes } мин. после отмены.
undo-overtaken = Заявку №{ $n } уже изменили после отмены: сейчас «{ $status }». Вернуть её нельзя.
comment-too-long = Комментарий длиннее 1000 символов ({ $length }). Сократите и отправьте ещё раз.
reason-required = Укажите причину отмены — напишите её сообщением.
decision-abandoned = Решение по заявке №{ $n } не принято. Заявка ждёт вас.
decision-applied-note = Заявитель получит уведомление.
not-allowed = У вас нет прав на это действие с заявкой №{ $n }.
not-found = Заявка №{ $n } не найдена.
own-application = Заявка №{ $n } — ваша собственная: заместитель её не решает, она ждёт решения руководителя ОО.
stale = Заявка №{ $n } уже в статусе «{ $status }». Карточка обновлена.
transition-refused = Из статуса «{ $current }» нельзя перейти в «{ $target }».
precondition =
    Нельзя одобрить заявку на курс: оценка компетенций не пройдена — пройдено { $passed } из { $total } разделов.
precondition-no-data = Нельзя одобрить заявку на курс: результаты оценки компетенций не загружены.
comment-text-only = Напишите комментарий текстом или нажмите «Без комментария» либо «Назад».
