"""Bot-level Bot API methods: identity, webhook, commands, descriptions, menu button.

None of these touch chats; they only store what the bot configured so tests can read it back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from bot.emulator.server import BotApiServer
from bot.emulator.state import JSON, bad


class BotSettingsMethods(BotApiServer):
    """getMe, logOut, close, *Webhook*, *MyCommands, *MyDescription, *ChatMenuButton."""

    def __init__(
        self, *, bot_id: int, bot_username: str, enforce_limits: bool, now: Callable[[], float]
    ) -> None:
        super().__init__(
            bot_id=bot_id, bot_username=bot_username, enforce_limits=enforce_limits, now=now
        )
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.settings: dict[str, Any] = {}  # descriptions and menu buttons, by key

    async def api_get_me(self, p: JSON) -> JSON:
        """The bot's User object; privacy mode off means it can read all group messages."""
        return self.bot_user | {"can_read_all_group_messages": not self.privacy_mode}

    async def api_log_out(self, p: JSON) -> bool:
        """Accepted and ignored."""
        return True

    async def api_close(self, p: JSON) -> bool:
        """Accepted and ignored."""
        return True

    async def api_set_webhook(self, p: JSON) -> bool:
        """Store url/secret; an empty url removes the webhook as on Telegram."""
        self.webhook = {"url": p.get("url") or "", "secret_token": p.get("secret_token")}
        if "allowed_updates" in p:
            self.store.allowed_updates = p["allowed_updates"] or None
        if p.get("drop_pending_updates"):
            self.store.updates.clear()
        return True

    async def api_delete_webhook(self, p: JSON) -> bool:
        """Remove the webhook; optionally forget pending updates."""
        self.webhook = {}
        if p.get("drop_pending_updates"):
            self.store.updates.clear()
        return True

    async def api_get_webhook_info(self, p: JSON) -> JSON:
        """Current webhook state."""
        pending = sum(1 for u in self.store.updates if u["update_id"] > self.store.delivered_upto)
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": pending,
        }

    def _scope(self, p: JSON) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    async def api_set_my_commands(self, p: JSON) -> bool:
        """Store commands per (scope, language_code), validated like Telegram."""
        commands = p.get("commands") or []
        if len(commands) > 100:
            raise bad("BOT_COMMANDS_TOO_MUCH")
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(c.get("command", ""))):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._scope(p)] = list(commands)
        return True

    async def api_get_my_commands(self, p: JSON) -> list[JSON]:
        """Commands stored for exactly that scope and language."""
        return self.commands.get(self._scope(p), [])

    async def api_delete_my_commands(self, p: JSON) -> bool:
        """Forget commands of that scope and language."""
        self.commands.pop(self._scope(p), None)
        return True

    async def api_set_my_description(self, p: JSON) -> bool:
        """Stored per language."""
        self.settings[f"description:{p.get('language_code') or ''}"] = p.get("description") or ""
        return True

    async def api_get_my_description(self, p: JSON) -> JSON:
        """What setMyDescription stored."""
        return {"description": self.settings.get(f"description:{p.get('language_code') or ''}", "")}

    async def api_set_my_short_description(self, p: JSON) -> bool:
        """Stored per language."""
        key = f"short_description:{p.get('language_code') or ''}"
        self.settings[key] = p.get("short_description") or ""
        return True

    async def api_get_my_short_description(self, p: JSON) -> JSON:
        """What setMyShortDescription stored."""
        key = f"short_description:{p.get('language_code') or ''}"
        return {"short_description": self.settings.get(key, "")}

    async def api_set_chat_menu_button(self, p: JSON) -> bool:
        """Stored per chat (or default)."""
        self.settings[f"menu:{p.get('chat_id')}"] = p.get("menu_button") or {"type": "default"}
        return True

    async def api_get_chat_menu_button(self, p: JSON) -> JSON:
        """What setChatMenuButton stored."""
        return dict(self.settings.get(f"menu:{p.get('chat_id')}", {"type": "commands"}))
