## The import report as a staff member reads it in the chat (services/importer, services/tabular).
## Every message here has its English twin in locales/en/import.ftl, with the same variables.
## Names fixed by the product (columns, status and role labels) and the file's values are quoted
## as they are.

# Reading the file as a table.
import-xls-unsupported = формат XLS не поддерживается: сохраните файл как XLSX или CSV (UTF-8)
import-unknown-format = неизвестный формат файла «{ $shown }»: нужен CSV или XLSX
import-not-decoded =
    файл не в кодировке UTF-8 или Windows-1251{ $hint }: сохраните его как «CSV UTF-8»
import-looks-like-utf16 = {" "}(похоже на UTF-16)
import-empty-file = файл пуст
import-csv-unparsed = не удалось разобрать CSV: { $error }
import-xlsx-unreadable = не удалось прочитать XLSX: { $error }
import-xlsx-too-large = XLSX распаковывается в { $mb } МБ, больше предела в { $limit } МБ: разделите таблицу или сохраните её как CSV (UTF-8)
import-xlsx-inflated = XLSX из { $kb } КБ распаковывается в { $mb } МБ — так настоящие таблицы не сжимаются: сохраните данные заново или как CSV (UTF-8)
import-xlsx-too-many-rows = на листе { $rows } строк — больше предела Excel ({ $limit }): файл повреждён или собран не в Excel
import-not-read = не прочитан: { $reason }

# The kinds of file.
import-kind-people = люди
import-kind-applications = заявки
import-kind-assessment = оценка

# The header.
import-no-table = в файле нет ни одной таблицы
import-column-repeats = столбец повторяется в заголовке
import-several-kinds = заголовок подходит к нескольким видам: { $kinds }
import-header-unknown =
    заголовок не распознан: ожидаются столбцы { $people }; или { $applications }; или { $assessment }
import-expected = { $kind }: { $columns }
import-columns-missing = не хватает столбцов ({ $kind }): { $missing }

# A cell.
import-empty = не заполнено
import-too-long = длиннее { $limit } символов
import-positive-number = ожидается целое положительное число
import-unknown-status = неизвестный статус (допустимо: { $allowed })
import-unknown-kind = неизвестный вид заявки (допустимо: { $allowed })
import-unknown-role = неизвестная роль { $unknown } (допустимо: { $allowed })
import-no-role = не указана ни одна роль
import-bad-phone = неверный номер телефона
import-unknown-zone =
    неизвестный часовой пояс; пишите название из базы часовых поясов, например «Asia/Yekaterinburg» или «Europe/Moscow»
import-bad-region = ожидается код региона, например «RU-CHE» или «RU-TA»
import-hours-expected = ожидается число часов, например «72» или «72 ч.»
import-period-expected = ожидается «ДД.ММ.ГГГГ - ДД.ММ.ГГГГ»
import-end-before-start = дата окончания раньше даты начала
import-date-expected = ожидается дата «ДД.ММ.ГГГГ»
import-yes-no-expected = ожидается «да» или «нет»
import-code-repeats = код повторяется (уже в строке { $first })
import-number-repeats = номер повторяется (уже в строке { $first })
import-section-repeats = раздел для этого кода уже в строке { $first }

# Rows against each other and against the database.
import-municipality-kept =
    у организации уже указан муниципалитет «{ $municipality }»; не изменён
import-differs =
    отличается от строки { $line } («{ $first }»); оставлено значение строки { $line }
import-other-organization =
    заявитель { $applicant } относится к другой организации: «{ $organization }»
import-other-applicant = заявка № { $number } подана другим заявителем ({ $applicant })
import-unknown-person = неизвестный код человека
import-transition-refused = переход «{ $old }» → «{ $new }» не разрешён
import-changed-meanwhile = заявка изменилась во время загрузки: теперь «{ $now }»
import-group-change-refused = смена группы отклонена
import-change-refused = изменение отклонено ({ $name })

# The summary.
import-summary-rows = строк
import-summary-dry-run = {" "}(пробный прогон, ничего не записано)
import-summary-encoding = кодировка
import-summary-organizations = организации
import-summary-people = люди
import-summary-programs = программы
import-summary-groups = группы
import-summary-applications = заявки
import-summary-sections = разделы оценки
import-summary-results = результаты оценки
import-summary-created = создано
import-summary-updated = изменено
import-summary-unchanged = без изменений
import-summary-transitions = смен статуса
import-summary-group-changes = смен группы
import-summary-warnings = предупреждений
import-summary-errors = ошибок
import-summary-refused = файл не загружен
