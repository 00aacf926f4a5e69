"""Test doubles and servers: the Bot API emulator lives in ``bot.emulator`` (the demo ships it)."""
