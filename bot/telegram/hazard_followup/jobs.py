"""(being written)"""

from __future__ import annotations

import datetime as dt

from telegram import Bot

from bot.render import Renderer
from bot.services.context import AppContext


async def follow_up_hazards(
    ctx: AppContext, bot: Bot, renderer: Renderer, now: dt.datetime
) -> None:
    return None
