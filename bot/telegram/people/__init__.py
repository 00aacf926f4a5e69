"""🪪 People's records in private: certificates (持证上岗: ``/cert``, ``/certs``, 复审 recorded),
training hours (``/training``) and roles (``/role``); in a group ``/certs`` only points here."""

from __future__ import annotations

from bot.telegram.feature import Feature
from bot.telegram.people.handlers import handlers, message_handlers

FEATURE = Feature(
    "people",
    handlers=lambda _runtime: handlers(),
    message_handlers=lambda _runtime: message_handlers(),
)
