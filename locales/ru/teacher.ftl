# Part of the bot's Russian texts, named in handlers/texts/teacher.py (the conventions: entry.ftl).

## «Мои заявки» for teachers (§4.3)
my-title = 📋 <b>Мои заявки</b> — { $count }
my-page = Страница { $page } из { $pages }
my-empty =
    У вас пока нет заявок. Они появятся здесь, когда заявка будет подана в модуле «Организация ДПО».
my-btn-prev = ‹
my-btn-next = ›
withdraw-btn = Отозвать заявку
withdraw-reason-prompt =
    Отозвать заявку <b>№{ $n }</b>?
    <b>Программа:</b> { $program }
    <b>Группа:</b> { $group }
    <b>Статус:</b> { $status }

    Отозванную заявку нельзя восстановить. Руководитель ОО получит уведомление.
withdraw-reason-optional = Напишите причину (до 1000 символов) или нажмите «Без комментария».
withdraw-reason-required = Напишите причину отзыва (до 1000 символов): без причины заявку не отозвать.
withdraw-done = Заявка №{ $n } отозвана. Руководитель ОО получит уведомление.
withdraw-text-only = Напишите причину текстом или нажмите «Без комментария» либо «Назад».
withdraw-text-only-required = Напишите причину текстом или нажмите «Назад».
reply-prompt =
    Напишите ответ на комментарий к заявке №{ $n } одним сообщением (до 1000 символов).

    <b>{ $author }:</b> «{ $text }»
reply-sent = 💬 Ответ по заявке №{ $n } отправлен. Руководитель ОО получит уведомление.
reply-abandoned = Ответ по заявке №{ $n } не отправлен.
reply-text-only = Напишите ответ текстом или нажмите «Назад».
