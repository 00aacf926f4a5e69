"""Local Telegram Bot API emulator: the bot's tests talk to it through PTB's real HTTP path."""

from bot.emulator.emulator import BotApiEmulator
from bot.emulator.state import ApiCall, ApiError, BotMessage

__all__ = ["ApiCall", "ApiError", "BotApiEmulator", "BotMessage"]
