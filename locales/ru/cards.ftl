## The application card, its tabs and the applicant's notifications (handlers/render/).

# Who acted, by the capacity recorded in the history.
card-capacity-director = руководитель ОО
card-capacity-deputy = заместитель руководителя ОО
card-capacity-staff = работник ЧИРО
card-capacity-teacher = заявитель
card-capacity-system = загрузка из ГИС
card-on-behalf = { $role }, за { $name }
# A director who decided their own application (allowed, as in the regional module).
card-own-application = { $role }, по собственной заявке

card-header = { $icon } <b>Заявка №{ $number }</b> · { $status }
card-field = <b>{ $label }:</b> { $value }
card-field-applicant = Заявитель
card-field-organization = Организация
card-field-kind = Вид заявки
card-field-program = Программа
card-field-group = Группа
card-field-group-description = Описание группы
card-field-hours = Трудоёмкость
card-field-dates = Даты обучения
card-field-form = Форма обучения
card-field-categories = Категории слушателей
card-field-competencies = Совершенствуемые компетенции
card-field-provider = Организация ДПО
card-field-submitted = Дата подачи
card-hours = { $hours } ч.
card-decision = <b>{ $status }</b>: { $who }, { $when }
card-comment = <b>Комментарий:</b> { $comment }
card-assessment-none = <b>Оценка компетенций:</b> результаты не загружены
card-assessment = <b>Оценка компетенций:</b> { $mark } пройдено { $passed } из { $total } разделов

# Tabs: a long list keeps its newest entries.
card-latest = <i>Показаны последние { $kept } из { $total }.</i>
card-comments-empty = Комментариев пока нет.
card-history-empty = История пуста.

# History lines: how the change came in, and what it was.
card-channel-bot = бот
card-channel-import = импорт
card-channel-api = API
card-channel-system = система
card-history-created = создана: «{ $status }»
card-history-status = «{ $from }» → «{ $to }»
card-history-group = группа: «{ $from }» → «{ $to }»
card-history-comment = комментарий

# What the applicant is told.
notice-status = { $icon } <b>Заявка №{ $number }</b>: новый статус — <b>{ $status }</b>
notice-applicant = <b>Заявитель:</b> { $name }
notice-program = <b>Программа:</b> { $title }
notice-group = <b>Группа:</b> { $name }
notice-dates = <b>Даты обучения:</b> { $start } – { $end }
notice-decision = <b>Решение:</b> { $who }, { $when }
notice-comment =
    💬 <b>Комментарий к заявке №{ $number }</b>
    <b>Программа:</b> { $program }
    <b>От:</b> { $who }, { $when }

    { $comment }
notice-group-changed = 🔁 <b>Заявка №{ $number }</b>: новая группа — <b>{ $group }</b>
notice-group-was = <b>Было:</b> { $group }
notice-group-by = <b>Изменил(а):</b> { $who }, { $when }
