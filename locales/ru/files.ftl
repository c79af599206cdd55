## Words in the files the bot reads and writes, and the export's refusals
## (services/calendar.py, services/exporter/, services/tabular/, bot/cli/).

# A working-calendar file marks a day with one of these words (the English ones are in the code).
calendar-workday-words = рабочий, рабочий день
calendar-day-off-words = выходной, праздник, праздничный

# An XLSX cell holding a boolean reads as the word a person would type.
cell-true = да
cell-false = нет

export-sheet-title = Заявки
export-unknown-suffix = неизвестный формат «{ $suffix }»: нужен .csv или .xlsx
export-unknown-format = неизвестный формат «{ $format }»: нужен csv или xlsx

# The header of the invitations CSV (`dpo-bot invite --out`).
invitations-column-code = Код
invitations-column-name = ФИО
invitations-column-link = Ссылка
invitations-column-invitation = Код приглашения
invitations-column-expires = Действует до
