"""What a feature package registers: its handlers, its plain-message handlers and its tick jobs.

Each package under ``bot/telegram/`` exports one ``FEATURE``; ``build_application`` walks the
list in ``bot.telegram.features`` and is the only place that wires anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram import Bot
from telegram.ext import BaseHandler

from bot.render import Renderer
from bot.services.context import AppContext
from bot.telegram.runtime import Runtime

Handlers = list[BaseHandler]  # type: ignore[type-arg]
# A periodic job run after each dispatch tick with the tick's ``now`` (end stale drills, …).
TickJob = Callable[[AppContext, Bot, Renderer, dt.datetime], Awaitable[object]]


def _none(_runtime: Runtime) -> Handlers:
    return []


@dataclass(frozen=True)
class Feature:
    name: str
    # Command and button handlers, in group 0 in feature order (PTB runs the first match).
    handlers: Callable[[Runtime], Handlers]
    # Plain-message handlers (names typed during setup, evidence replies, …): each feature gets
    # a group of its own, so one feature's message handler never hides another's.
    message_handlers: Callable[[Runtime], Handlers] = _none
    tick_jobs: tuple[TickJob, ...] = field(default=())
