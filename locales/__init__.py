"""The bot's words: Fluent catalogues, one folder per language (`services.i18n` loads them).

``ru/`` holds everything users read in the chat; ``en/`` holds the import report as the command
line prints it. The folder is a package only so that the .ftl files ship with the code.
"""
