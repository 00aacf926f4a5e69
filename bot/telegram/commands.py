"""The bot's commands per role, in menu order: registered with setMyCommands and listed by /help.

Each role is what its handlers allow, read from them: anyone in a group may run the worker
commands; the admin ones refuse anyone but a chat admin (the safety officer may also run
``/drill``, ``/event``, ``/check`` and ``/retrain``), or change something only for an admin
(``/shifts``, ``/digest``, ``/lang`` and ``/office`` show the current state to anyone). Each
name has a description template ``messages/templates/commands/<name>.txt.j2``.
"""

WORKER_COMMANDS = ("due", "hazard", "stats", "obligations", "join", "quiz", "report", "help")
ADMIN_COMMANDS = (
    "setup", "digest", "topic", "region", "profile", "shifts", "officer", "office", "event",
    "drill", "check", "retrain", "lang", "web", "channel",
)  # fmt: skip
PRIVATE_COMMANDS = (
    "start", "hazard", "quiz", "practice", "me", "selfcheck", "certs", "cert", "training",
    "role", "office", "stats", "report", "lang", "web", "help",
)  # fmt: skip

# The menus Telegram shows: workers in any group; chat administrators theirs first, then the
# workers' (Telegram shows an admin the administrators' menu instead of the group one).
GROUP_MENU = WORKER_COMMANDS
ADMIN_MENU = ADMIN_COMMANDS + WORKER_COMMANDS
GROUP_COMMANDS = ADMIN_MENU  # every command answered in a group

# /help's sections: (role, commands), in the order shown.
ROLES = (("everyone", WORKER_COMMANDS), ("admins", ADMIN_COMMANDS), ("private", PRIVATE_COMMANDS))
