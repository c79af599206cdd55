## The import report as the command line prints it (`dpo-bot import`): the twin of
## locales/ru/import.ftl, message for message and variable for variable.

# Reading the file as a table.
import-xls-unsupported = the XLS format is not supported: save the file as XLSX or CSV (UTF-8)
import-unknown-format = unknown file format «{ $shown }»: CSV or XLSX needed
import-not-decoded =
    the file is neither UTF-8 nor Windows-1251{ $hint }: save it as «CSV UTF-8»
import-looks-like-utf16 = {" "}(looks like UTF-16)
import-empty-file = the file is empty
import-csv-unparsed = the CSV cannot be parsed: { $error }
import-xlsx-unreadable = the XLSX cannot be read: { $error }
import-xlsx-too-large = the XLSX unpacks to { $mb } MB, beyond the limit of { $limit } MB: split the table or save it as CSV (UTF-8)
import-xlsx-inflated = the XLSX of { $kb } KB unpacks to { $mb } MB, which real tables never do: save the data again, or as CSV (UTF-8)
import-xlsx-too-many-rows = the sheet has { $rows } rows, beyond Excel's limit ({ $limit }): the file is damaged or not made by Excel
import-not-read = not read: { $reason }

# The kinds of file.
import-kind-people = people
import-kind-applications = applications
import-kind-assessment = assessment

# The header.
import-no-table = the file holds no table
import-column-repeats = the column repeats in the header
import-several-kinds = the header fits several kinds: { $kinds }
import-header-unknown =
    the header is not recognised: columns expected { $people }; or { $applications }; or { $assessment }
import-expected = { $kind }: { $columns }
import-columns-missing = columns missing ({ $kind }): { $missing }

# A cell.
import-empty = empty
import-too-long = longer than { $limit } characters
import-positive-number = a positive whole number expected
import-unknown-status = unknown status (allowed: { $allowed })
import-unknown-kind = unknown kind of application (allowed: { $allowed })
import-unknown-role = unknown role { $unknown } (allowed: { $allowed })
import-no-role = no role given
import-bad-phone = not a valid phone number
import-unknown-zone =
    unknown time zone; write a name from the time zone database, such as «Asia/Yekaterinburg» or «Europe/Moscow»
import-bad-region = expected a region code, such as «RU-CHE» or «RU-TA»
import-hours-expected = a number of hours expected, e.g. «72» or «72 ч.»
import-period-expected = «DD.MM.YYYY - DD.MM.YYYY» expected
import-end-before-start = the end date is before the start date
import-date-expected = a date «DD.MM.YYYY» expected
import-yes-no-expected = «да» or «нет» expected
import-code-repeats = the code repeats (already on line { $first })
import-number-repeats = the number repeats (already on line { $first })
import-section-repeats = the section for this code is already on line { $first }

# Rows against each other and against the database.
import-municipality-kept =
    the organization already has the municipality «{ $municipality }»; left as it is
import-differs =
    differs from line { $line } («{ $first }»); the value of line { $line } is kept
import-other-organization =
    applicant { $applicant } belongs to another organization: «{ $organization }»
import-other-applicant = application № { $number } was filed by another applicant ({ $applicant })
import-unknown-person = unknown person code
import-transition-refused = the change «{ $old }» → «{ $new }» is not allowed
import-changed-meanwhile = the application changed during the import: now «{ $now }»
import-group-change-refused = the change of group was refused
import-change-refused = the change was refused ({ $name })

# The summary.
import-summary-rows = rows
import-summary-dry-run = {" "}(dry run, nothing written)
import-summary-encoding = encoding
import-summary-organizations = organizations
import-summary-people = people
import-summary-programs = programs
import-summary-groups = groups
import-summary-applications = applications
import-summary-sections = assessment sections
import-summary-results = assessment results
import-summary-created = created
import-summary-updated = updated
import-summary-unchanged = unchanged
import-summary-transitions = status changes
import-summary-group-changes = group changes
import-summary-warnings = warnings
import-summary-errors = errors
import-summary-refused = the file was not imported
