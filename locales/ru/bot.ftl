# The bot's Russian texts; handlers/texts.py exposes them under their constants' names:
# one message per constant, a dictionary's entries as <name>-<key>.
# Fluent trims the spaces around a text and a leading line break: {" "} and {""} keep them.

-regional-system = ГИС «Образование в Челябинской области»

btn-consent = Ознакомился
consent =
    <b>Согласие на обработку персональных данных</b>

    Бот «Организация ДПО» ГБУ ДПО «ЧИРО» обрабатывает ваши персональные данные (ФИО, номер телефона, место работы, идентификатор Telegram, сведения о заявках на оценку профессиональных компетенций и курсы повышения квалификации) в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных» — только для того, чтобы сообщать о заявках и принимать по ним решения.

    Данные не передаются третьим лицам, кроме информационной системы «Образование в Челябинской области». Отозвать согласие можно, обратившись в ГБУ ДПО «ЧИРО».

    Нажмите «Ознакомился», чтобы продолжить.
consent-first = Сначала ознакомьтесь с согласием на обработку персональных данных.
consent-thanks = Спасибо, согласие сохранено.
consent-already = Согласие уже сохранено.
regional-system = { -regional-system }
how-to-get-access =
    Чтобы пользоваться ботом, привяжите Telegram к своей учётной записи в { -regional-system }:

    • откройте ссылку-приглашение от администратора вашей школы или отправьте код приглашения сообщением;
    • или нажмите «Поделиться номером» под полем ввода, если там указан ваш номер телефона.

    Если приглашения нет, обратитесь к администратору { -regional-system } в вашей школе или в ГБУ ДПО «ЧИРО».
error = Что-то пошло не так. Попробуйте ещё раз чуть позже.
commands-start = Начало работы
commands-help = Помощь
commands-cancel = Отменить ввод
cancelled = Ввод отменён.
nothing-to-cancel = Нечего отменять.
help =
    Бот «Организация ДПО» сообщает о заявках на оценку профессиональных компетенций и курсы повышения квалификации.

    /start — начало работы
    /help — эта справка
    /cancel — отменить ввод
unknown = Не понял сообщение. Список команд — /help.
button-outdated = Эта кнопка устарела. Откройте заявку заново.

## linking (§4.1)
btn-share-phone = 📱 Поделиться номером
link-prompt =
    Отправьте код приглашения сообщением или нажмите «Поделиться номером», если ваш номер телефона указан в { -regional-system }.
link-bad-code-unknown = Код приглашения не найден. Проверьте его и отправьте ещё раз.
link-bad-code-used = Этот код уже использован. Попросите у администратора новое приглашение.
link-bad-code-expired = Срок действия приглашения истёк. Попросите у администратора новое.
link-too-many = Слишком много неверных кодов. Попробуйте снова через час.
link-account-taken =
    Этот аккаунт Telegram уже привязан к другому человеку. Если это ошибка, обратитесь к администратору.
link-not-own-contact = Можно отправить только свой номер — кнопкой «Поделиться номером».
link-phone-not-found =
    Номер не найден среди пользователей { -regional-system }. Попросите у администратора код приглашения.
link-phone-ambiguous = Этот номер указан у нескольких людей — войдите по коду приглашения.
link-person-taken =
    Этот человек уже привязан к другому аккаунту Telegram. Войдите по коду приглашения.
link-first = Сначала привяжите аккаунт: отправьте код приглашения.

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
comment-too-long = Комментарий длиннее 1000 символов ({ $length }). Сократите и отправьте ещё раз.
reason-required = Укажите причину отмены — напишите её сообщением.
decision-abandoned = Решение по заявке №{ $n } не принято. Заявка ждёт вас.
decision-applied-note = Заявитель получит уведомление.
not-allowed = У вас нет прав на это действие с заявкой №{ $n }.
not-found = Заявка №{ $n } не найдена.
stale = Заявка №{ $n } уже в статусе «{ $status }». Карточка обновлена.
transition-refused = Из статуса «{ $current }» нельзя перейти в «{ $target }».
precondition =
    Нельзя одобрить заявку на курс: оценка компетенций не пройдена — пройдено { $passed } из { $total } разделов.
precondition-no-data = Нельзя одобрить заявку на курс: результаты оценки компетенций не загружены.
comment-text-only = Напишите комментарий текстом или нажмите «Без комментария» либо «Назад».

## menus (§4.6, §4.7): the reply-keyboard buttons of each role
btn-menu-applications = 📋 Заявки
btn-menu-my = 📋 Мои заявки
btn-menu-deputy = 👥 Заместитель
btn-menu-settings = ⚙️ Настройки
btn-menu-role = 🔄 Сменить роль
btn-menu-help = ❓ Помощь
btn-reply = Ответить

## «Заявки» for directors (§4.2)
list-title = 📋 <b>Заявки</b>
list-all = Все
list-short-status-new = Не обработана
list-short-status-approved = Подтверждена
list-short-status-cancelled = Отменена
list-short-status-included = Включен в группу
list-empty = Заявок нет.
list-search = Поиск по фамилии «{ $term }»
list-page = Страница { $page } из { $pages }
list-not-decider = Список заявок школы доступен руководителю ОО и его заместителю.
search-too-short =
    Чтобы найти заявку, напишите фамилию заявителя (от 2 букв) или откройте /applications.
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
group-refused = Группу сейчас изменить нельзя.

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
    Напишите причину (до 1000 символов) или нажмите «Без комментария».
withdraw-done = Заявка №{ $n } отозвана. Руководитель ОО получит уведомление.
withdraw-text-only = Напишите причину текстом или нажмите «Без комментария» либо «Назад».
reply-prompt =
    Напишите ответ на комментарий к заявке №{ $n } одним сообщением (до 1000 символов).

    <b>{ $author }:</b> «{ $text }»
reply-sent = 💬 Ответ по заявке №{ $n } отправлен. Руководитель ОО получит уведомление.
reply-abandoned = Ответ по заявке №{ $n } не отправлен.
reply-text-only = Напишите ответ текстом или нажмите «Назад».

## roles, menus and per-role help (§2, §4.6)
menu-commands-applications = Заявки школы
menu-commands-my = Мои заявки
menu-commands-deputy = Заместитель на время отсутствия
menu-commands-queue = Одобренные заявки: включение в группу
menu-commands-overview = Обзор региона
menu-commands-export = Выгрузка заявок (XLSX)
menu-commands-assess = Результаты оценки: /assess КОД
menu-commands-settings = Настройки уведомлений
menu-commands-role = Сменить роль
menu-commands-cancel = Отменить ввод
menu-commands-help = Помощь
menu-help-intro-director =
    Ваша роль: <b>Руководитель ОО</b>.
    Новые заявки педагогов школы приходят карточками с кнопками «✅ Одобрить» и «❌ Отменить»; в рабочие дни — сводка заявок, которые ждут вашего решения.
menu-help-intro-teacher =
    Ваша роль: <b>Слушатель</b>.
    Бот сразу сообщает о каждом изменении ваших заявок: статус, комментарий, группа, даты обучения.
menu-help-intro-staff =
    Ваша роль: <b>Работник ЧИРО</b>.
    Очередь одобренных заявок — включение в группу; результаты оценки; обзор региона с диаграммой; загрузка файла CSV или XLSX прямо в чат и выгрузка заявок. Бот присылает сводку заявок, которые школы долго не рассматривают.
menu-help-commands = Команды:
menu-help-footer =
    Те же действия — кнопками меню под полем ввода. Уведомления приходят при любой выбранной роли.
menu-shown = Меню — кнопками под полем ввода.
role-choose =
    Ваша роль сейчас: <b>{ $role }</b>.
    Выберите роль — от неё зависят меню и команды. Уведомления приходят при любой роли.
role-current-mark = •{" "}
role-only-one = У вас одна роль — { $role }. Сменить её не на что.
role-switched = Ваша роль: <b>{ $role }</b>. Меню и команды обновлены.
role-not-held = У вас нет этой роли.

## personal settings (§4.5, §5)
settings-screen =
    <b>Настройки уведомлений</b>

    🕘 Ежедневная сводка: <b>{ $digest }</b>
    🔔 Новые заявки: <b>{ $instant }</b>
    🌙 Тихие часы: <b>{ $quiet }</b>

    В тихие часы сводки и напоминания ждут их окончания, а срочные сообщения приходят без звука.
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
deputy-notice =
    Руководитель { $director } ({ $school }) назначил(а) вас заместителем с { $start } по { $end }.
    В этот период вам будут приходить заявки школы с кнопками «✅ Одобрить» и «❌ Отменить».
deputy-revoked-notice =
    Руководитель { $director } ({ $school }) отозвал(а) ваши полномочия заместителя.

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

## Staff of the regional institute: queue, assessment, overview, files (§4.4, §7.3)
btn-menu-staff-queue = 📥 Очередь
btn-menu-staff-overview = 📊 Обзор
btn-menu-staff-export = 📤 Выгрузка
staff-queue-title = 📥 <b>Очередь: одобренные заявки</b> — { $count }
staff-queue-page = Страница { $page } из { $pages }
staff-queue-empty = Одобренных заявок нет.
staff-filter-municipality = Муниципалитет
staff-filter-school = Школа
staff-filter-program = Программа
staff-filter-group = Группа
staff-filter-line = { $label }: { $value }
staff-filter-choose = Выберите: { $label }
staff-filter-none = Нечего выбирать: в очереди нет заявок.
staff-btn-any = Все
staff-btn-reset = Сбросить фильтры
staff-btn-include = ✅ Включить в группу
staff-btn-include-all = ✅ Включить всех ({ $count })
staff-btn-cancel = ❌ Отменить
staff-btn-group = 🔁 Смена группы
staff-btn-to-card = Назад
staff-include-confirm =
    Включить заявку №{ $n } в группу «{ $group }»? Заявитель получит уведомление.
staff-included = ✅ Заявка №{ $n } включена в группу. Заявитель получит уведомление.
staff-include-all-confirm =
    Включить в группу все показанные заявки ({ $count })? Каждый заявитель получит уведомление.
staff-include-all-cancelled = Включение отменено. Заявки остались в очереди.
staff-include-all-nothing = Включать нечего: в очереди нет заявок.
staff-include-all-done = ✅ Включено в группу: <b>{ $count }</b>.
staff-include-all-skipped = Не включены ({ $count }):
staff-group-choose = Заявка №{ $n }: выберите новую группу программы.
staff-group-none = У этой программы нет других групп.
staff-not-staff = Эта команда доступна только работникам ЧИРО.
staff-assess-usage = Укажите код педагога: /assess P-1002
staff-assess-not-found = Человек с кодом «{ $code }» не найден.
staff-assess-no-sections = Разделы оценки ещё не загружены (файл результатов оценки).
staff-assess-title =
    📝 <b>Оценка компетенций</b>
    { $name } ({ $code })
    Пройдено разделов: { $passed } из { $total }

    Нажмите на раздел, чтобы отметить его пройденным или не пройденным.
staff-assess-saved = Сохранено
staff-overview-title = 📊 <b>Обзор региона</b>
staff-overview-total = <b>Всего заявок:</b> { $total }
staff-overview-municipalities = <b>По муниципалитетам</b>
staff-overview-schools = <b>По школам</b>
staff-overview-no-municipality = Муниципалитет не указан
staff-overview-escalated = 🚨 <b>Школы с заявками без решения больше { $after } раб. дн.</b>
staff-overview-escalated-none = Заявок, ждущих решения дольше срока, нет.
staff-overview-escalated-line =
    🏫 { $school } ({ $municipality }): { $count } шт., до { $days } раб. дн.
staff-overview-director = {"   "}{ $mark } { $name }
staff-overview-reachable = ✅ на связи в боте
staff-overview-unreachable = ⚠️ недоступен в боте
staff-overview-no-director = {"   "}⚠️ руководитель не указан
staff-overview-empty = Заявок пока нет.
staff-chart-caption = Статусы заявок по муниципалитетам
staff-chart-title = Заявки по муниципалитетам
staff-file-not-staff =
    Спасибо, но загружать файлы в бот могут только работники ЧИРО. Если нужно что-то исправить в заявке, напишите комментарий на её карточке.
staff-file-too-big = Файл больше 20 МБ — бот не может его скачать. Разбейте его на части.
staff-file-kind = Пришлите файл CSV или XLSX (люди, заявки или результаты оценки).
staff-file-received = Файл «{ $name }» получен, загружаю…
staff-file-done =
    ✅ Файл загружен.
    <pre>{ $summary }</pre>
staff-file-failed =
    ❌ Файл не загружен, ничего не изменено.
    <pre>{ $summary }</pre>
staff-file-errors =
    <b>Ошибки</b> ({ $part }):
    <pre>{ $lines }</pre>
staff-file-unreadable = Не удалось скачать файл из Telegram. Пришлите его ещё раз.
staff-export-name = Заявки.xlsx
staff-export-caption = Выгрузка: { $count }
staff-export-too-many =
    В выгрузке больше { $limit } заявок — такой файл в чат не отправить. Выгрузите заявки командой <code>dpo-bot export</code> на сервере.
staff-export-too-big =
    Выгрузка получилась { $size } МБ — больше 50 МБ, которые Telegram позволяет отправить ботом. Выгрузите заявки командой <code>dpo-bot export</code> на сервере.
role-labels-teacher = Слушатель
role-labels-director = Руководитель ОО
role-labels-staff = Работник ЧИРО

## Texts of the functions in handlers/texts.py

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
# $lines: one «\n• №…: …» per skipped application.
bulk-report-skipped = Одобрено: { $approved }, пропущено: { $skipped }{ $lines }.
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
