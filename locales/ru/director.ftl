# Part of the bot's Russian texts, named in handlers/texts/director.py (the conventions: entry.ftl).

## «Заявки» for directors (§4.2)
list-title = 📋 <b>Заявки</b>
list-all = Все
list-empty = Заявок нет.
list-search = Поиск по фамилии «{ $term }»
list-page = Страница { $page } из { $pages }
list-not-decider = Список заявок школы доступен руководителю ОО и его заместителю.
search-too-short =
    Чтобы найти заявку, напишите фамилию заявителя (от 2 букв) или откройте /applications.
search-empty = Заявителей с такой фамилией нет. Проверьте написание или откройте /applications.
# Replies that are not surnames: answered with the search hint instead of «Заявок нет»
# (compared without case and with ё folded; a comma between entries).
search-small-talk =
    спасибо, спасибо большое, благодарю, спс, ок, окей, ok, okay, хорошо, ладно, понятно, ясно,
    да, нет, ага, угу, привет, здравствуйте, добрый день, доброе утро, добрый вечер,
    до свидания, пока, отлично, супер, принято
btn-approve-all = Одобрить все
btn-confirm = Подтвердить
btn-prev = ‹
btn-next = ›
btn-tab-group = Смена группы
bulk-confirm =
    Одобрить все заявки в статусе «Не обработана»: { $count }? Каждая будет проверена отдельно.
bulk-nothing = Нечего одобрять: необработанных заявок нет.
bulk-cancelled = Массовое одобрение отменено.
group-choose = Выберите новую группу программы. Сейчас: «{ $group }».
group-none = У этой программы нет других групп.
group-changed = Группа изменена. Заявитель получит уведомление.
group-refused-status =
    Группу заявки №{ $n } сейчас изменить нельзя: заявка в статусе «{ $status }». Группу меняют, пока заявка в статусе { $allowed }.
group-refused-or = {" "}или{" "}
group-refused-program = Эта группа из другой программы: заявку можно перевести только в группу той же программы.
group-refused-same = Заявка №{ $n } уже в этой группе.

## deputy (§4.2)
deputy-not-director = Назначать заместителя может только руководитель ОО.
deputy-screen =
    <b>Заместитель</b>
    На время вашего отсутствия заместитель получает новые заявки школы и решает по ним. В истории заявки видно, кто действовал и за кого.

    { $lines }
deputy-none = Заместитель не назначен.
deputy-line = • { $name } — с { $start } по { $end }
deputy-line-active = {" "}(действует)
deputy-btn-new = ➕ Назначить заместителя
deputy-btn-revoke = Отозвать: { $name }
deputy-btn-confirm = Подтвердить
deputy-pick = Кого назначить заместителем? Коллеги вашей школы, подключённые к боту:
deputy-pick-page =
    {""}
    Страница { $page } из { $pages }.
deputy-no-colleagues =
    В вашей школе пока нет коллег, подключённых к боту. Заместителем можно назначить того, кто открыл приглашение и начал работу с ботом.
deputy-ask-period =
    Заместитель: <b>{ $name }</b>.
    Напишите период в формате ДД.ММ.ГГГГ-ДД.ММ.ГГГГ, например { $example }. Оба дня включаются, не длиннее { $days } дней.
    /cancel — отменить.
deputy-bad-period-format = Не понял период. Нужно ДД.ММ.ГГГГ-ДД.ММ.ГГГГ, например { $example }.
deputy-bad-period-order = Дата начала позже даты окончания.
deputy-bad-period-past = Период уже закончился: дата окончания раньше сегодняшней.
deputy-bad-period-too-long = Период длиннее { $days } дней.
deputy-ask-again =
    {""}
    Напишите период ещё раз или /cancel.
deputy-text-only = Напишите период сообщением, например { $example }, или /cancel.
deputy-confirm = Назначить <b>{ $name }</b> заместителем с { $start } по { $end }?
deputy-press-button = Нажмите «Подтвердить» или «Назад» (или /cancel).
deputy-done = ✅ { $name } — ваш заместитель с { $start } по { $end }. Коллеге придёт уведомление.
deputy-revoked = Полномочия заместителя отозваны: { $name }.
deputy-not-colleague = Этого человека нет среди подключённых к боту коллег вашей школы.
deputy-overlap =
    { $name } уже ваш заместитель на часть этого периода. Выберите другие даты или сначала отзовите прежнее назначение.
deputy-not-found = Это назначение уже отозвано или закончилось.
deputy-outdated = Эта кнопка устарела. Откройте /deputy заново.
deputy-rights-revoked =
    Ваши полномочия заместителя отозваны руководителем ОО: заявки школы решает руководитель.
deputy-rights-ended =
    Ваши полномочия заместителя закончились { $end }: заявки школы решает руководитель ОО.
deputy-rights-not-begun =
    Ваши полномочия заместителя начнутся { $start }: до этого заявки школы решает руководитель ОО.
deputy-notice =
    Руководитель { $director } ({ $school }) назначил(а) вас заместителем с { $start } по { $end }.
    В этот период вам будут приходить заявки школы с кнопками «✅ Одобрить» и «❌ Отменить».
deputy-revoked-notice =
    Руководитель { $director } ({ $school }) отозвал(а) ваши полномочия заместителя.
