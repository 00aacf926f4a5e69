"""The bot's commands per scope, in menu order: registered with setMyCommands and listed by /help.

Each name has a description template ``messages/templates/commands/<name>.txt.j2``.
"""

GROUP_COMMANDS = (
    "setup", "region", "shifts", "due", "stats", "join", "obligations", "officer", "office", "report",
    "quiz", "check", "retrain", "drill", "event", "lang", "help",
)  # fmt: skip
PRIVATE_COMMANDS = ("start", "office", "stats", "report", "quiz", "practice", "me", "lang", "help")
