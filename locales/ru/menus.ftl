# Part of the bot's Russian texts, named in handlers/texts/menus.py (the conventions: entry.ftl).

## menus (§4.6, §4.7): the reply-keyboard buttons of each role
btn-menu-applications = 📋 Заявки
btn-menu-my = 📋 Мои заявки
btn-menu-deputy = 👥 Заместитель
btn-menu-settings = ⚙️ Настройки
btn-menu-role = 🔄 Сменить роль
btn-menu-help = ❓ Помощь
btn-reply = Ответить

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
