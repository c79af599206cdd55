# Part of the bot's Russian texts, named in handlers/texts/staff.py (the conventions: entry.ftl).

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
