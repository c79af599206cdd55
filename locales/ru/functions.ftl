# Part of the bot's Russian texts: handlers/texts/ has each function with its part (the conventions: entry.ftl).

## Texts of the functions in handlers/texts/

no-role = —
greeting-one-role =
    Здравствуйте, { $name }!
    Ваша роль: <b>{ $role }</b>.
greeting-several-roles =
    Здравствуйте, { $name }!
    Ваши роли: <b>{ $active }</b>, { $others }.
waiting-applications = Заявок ждут вашего решения: { $count }. Карточки — ниже.
comment-prompt-reason =
    Вы <b>{ $verb }</b> заявку №{ $number }.
    Напишите причину отмены для заявителя (до 1000 символов).
comment-prompt-comment =
    Вы <b>{ $verb }</b> заявку №{ $number }.
    Напишите комментарий для заявителя (до 1000 символов) или нажмите «Без комментария».
bulk-report = Одобрено: { $approved }.
# $lines: one «\n• №…: …» per skipped application, each reason ending with its full stop.
bulk-report-skipped = Одобрено: { $approved }, пропущено: { $skipped }:{ $lines }
bulk-report-line = • №{ $number }: { $reason }

## Plurals by the Russian rules; the number is shown without thousands grouping.

days =
    { NUMBER($count, useGrouping: 0) } { $count ->
        [one] день
        [few] дня
       *[many] дней
    }
working-days-after =
    { NUMBER($count, useGrouping: 0) } { $count ->
        [one] рабочего дня
        [few] рабочих дней
       *[many] рабочих дней
    }
applications =
    { NUMBER($count, useGrouping: 0) } { $count ->
        [one] заявка
        [few] заявки
       *[many] заявок
    }
