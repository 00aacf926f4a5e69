"""Telegram's rules for message content: HTML parse mode, length units, keyboards, commands.

These are the checks that catch real bot bugs (unescaped user text, oversize callback_data),
so they follow Telegram's behaviour and error wording rather than being lenient.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bot.emulator.state import JSON, ApiError, bad


def utf16len(text: str) -> int:
    """Telegram measures offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


_ENTITY_OF = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_ATTR = re.compile(r"""\s*([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_TAG_NAME = re.compile(r"[a-zA-Z0-9-]*")
_CHAR_REF = re.compile(r"&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


def parse_html(src: str) -> tuple[str, list[JSON]]:
    """Parse like Telegram's HTML mode: plain text + entities, or 400 can't parse entities."""

    def fail(msg: str) -> ApiError:
        return bad(f"can't parse entities: {msg}")

    def at(i: int) -> int:
        return len(src[:i].encode())

    out: list[str] = []
    pos16 = 0
    open_tags: list[tuple[str, int, JSON]] = []
    entities: list[JSON] = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "&" and (m := _CHAR_REF.match(src, i)):
            ref = m.group(1)
            text = (
                html.unescape(f"&{ref};")
                if ref[0] != "#"
                else chr(int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:]))
            )
            out.append(text)
            pos16 += utf16len(text)
            i = m.end()
        elif ch == "<" and src.startswith("</", i):
            end = src.find(">", i)
            name = src[i + 2 : end if end >= 0 else len(src)].strip().lower()
            if not open_tags:
                raise fail(f"Unexpected end tag at byte offset {at(i)}")
            if end < 0 or name != open_tags[-1][0]:
                found = src[i : end + 1] if end >= 0 else src[i:]
                raise fail(
                    f"Unmatched end tag at byte offset {at(i)}, expected "
                    f'"</{open_tags[-1][0]}>", found "{found}"'
                )
            _, start16, closed = open_tags.pop()
            if pos16 > start16 and closed["type"]:
                entities.append(closed | {"offset": start16, "length": pos16 - start16})
            i = end + 1
        elif ch == "<":
            m = _TAG_NAME.match(src, i + 1)
            name = m.group(0).lower() if m else ""
            end = src.find(">", i)
            if name not in _ENTITY_OF:
                raise fail(f'Unsupported start tag "{name}" at byte offset {at(i)}')
            if end < 0:
                raise fail(f"Unclosed start tag at byte offset {at(i)}")
            attrs = {
                a.group(1).lower(): html.unescape(a.group(2) or a.group(3) or a.group(4) or "")
                for a in _ATTR.finditer(src[i + 1 + len(name) : end].rstrip("/"))
            }
            entity: JSON = {"type": _ENTITY_OF[name]}
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise fail('Tag "span" must have class "tg-spoiler" at byte offset ' + str(at(i)))
            if name == "a":
                entity["url"] = attrs.get("href", "")
            if name == "tg-emoji":
                entity["custom_emoji_id"] = attrs.get("emoji-id", "")
            if name == "blockquote" and "expandable" in attrs:
                entity["type"] = "expandable_blockquote"
            if name == "code" and open_tags and open_tags[-1][0] == "pre" and "class" in attrs:
                open_tags[-1][2]["language"] = attrs["class"].removeprefix("language-")
                entity["type"] = ""  # merged into the enclosing pre entity, as Telegram does
            open_tags.append((name, pos16, entity))
            i = end + 1
        else:
            out.append(ch)
            pos16 += utf16len(ch)
            i += 1
    if open_tags:
        raise fail(f'Can\'t find end tag corresponding to start tag "{open_tags[-1][0]}"')
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def format_text(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[JSON]]:
    """Apply parse_mode, then trim surrounding whitespace and shift entities as Telegram does."""
    plain, ents = (
        parse_html(text)
        if (parse_mode or "").lower() == "html"
        else (text, list(entities) if isinstance(entities, list) else [])
    )
    lead = utf16len(plain) - utf16len(plain.lstrip())
    plain = plain.strip()
    size, kept = utf16len(plain), []
    for e in ents:
        start = max(0, e["offset"] - lead)
        end = min(size, e["offset"] + e["length"] - lead)
        if end > start:
            kept.append(e | {"offset": start, "length": end - start})
    return plain, kept


_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "pay",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
)
COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@([A-Za-z0-9_]{3,}))?(?=\s|$)")  # group 1: bot
MENTION = re.compile(r"(?<![\w/@])@([A-Za-z0-9_]{5,32})(?!\w)")  # group 1: username


def check_markup(markup: Any) -> None:
    """Validate an inline keyboard the way Telegram rejects it."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            if not any(k in button for k in _ACTIONS):
                raise bad("text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode())
                if not 1 <= size <= 64:
                    raise bad("BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not re.match(r"(https?|tg)://\S+$", str(url)):
                raise bad("BUTTON_URL_INVALID")


def message_entities(text: str) -> list[JSON]:
    """A leading "/cmd" or "/cmd@bot" becomes a bot_command entity, each @username a mention."""
    m = COMMAND.match(text)
    found = [{"type": "bot_command", "offset": 0, "length": utf16len(m.group(0))}] if m else []
    return found + [
        {"type": "mention", "offset": utf16len(text[: u.start()]), "length": utf16len(u.group(0))}
        for u in MENTION.finditer(text)
    ]
