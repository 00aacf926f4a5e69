"""🤖 Robot channels: reminders also posted to the enterprise's WeCom, DingTalk and Feishu
groups (``jobs``: the sender's tick job; ``commands``: ``/channel add|list|remove``)."""

from __future__ import annotations

from bot.telegram.channels import commands
from bot.telegram.channels.jobs import send_channel_messages
from bot.telegram.feature import Feature

FEATURE = Feature(
    "channels",
    handlers=lambda _runtime: commands.handlers(),
    tick_jobs=(send_channel_messages,),
)
