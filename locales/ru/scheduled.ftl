# Part of the bot's Russian texts, named in handlers/texts/scheduled.py (the conventions: entry.ftl).

## Scheduled messages: digest, reminders, escalation, deadlines (§5)
digest-title = 📬 <b>Заявки ждут решения</b> · { $day }
digest-part = {" "}· часть { $part } из { $parts }
digest-summary = Не обработано: <b>{ $count }</b>. Самая давняя подана { $oldest } ({ $age }).
digest-age-today = сегодня
digest-age = { $days } назад
digest-hint = Нажмите на заявку, чтобы открыть карточку.
digest-hint-last = Нажмите на заявку, чтобы открыть карточку, или одобрите все сразу.
digest-line = { $index }. <b>№{ $number }</b> · { $applicant } · { $program }
remind-title =
    ⏰ <b>Напоминание</b>{ $part }
    Заявки ждут решения больше { $after }:
remind-line = { $index }. <b>№{ $number }</b> · { $applicant } · { $program } · { $age }
remind-age = { $days } раб. дн.
escalate-title = 🚨 <b>Заявки без решения больше { $after }</b> · { $day }{ $part }
escalate-summary = Всего: <b>{ $count }</b>. Руководителям ОО отправлены напоминания.
escalate-municipality = <b>{ $name }</b>
escalate-no-municipality = Муниципалитет не указан
escalate-school = 🏫 { $name }
escalate-line = • <b>№{ $number }</b> · { $applicant } · { $age }
deadline-title =
    ⚠️ <b>Скоро начало обучения</b>{ $part }
    Заявки ещё не обработаны:
deadline-line =
    { $index }. <b>№{ $number }</b> · { $applicant } · { $program } · начало { $start }
