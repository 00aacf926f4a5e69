"""A reminder message as each robot platform shows it, from the Telegram message's templates.

The same items, sections and words as the Telegram digest (``item_context`` from the
presenter, the same msgids), in each platform's markup: WeCom and DingTalk markdown, a Feishu
interactive card. Robots cannot take button presses, so each open item carries a link to its
confirmation page (``links``: occurrence id → signed URL); on Feishu the link is a card button.

Each platform caps a message's size (WeCom markdown 4,096 bytes; DingTalk and Feishu far
more): items that do not fit are left out, with a line saying how many (they stay open and
come back in the next reminder). Returns the JSON body without signature or timestamp.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from bot.catalog import Catalog
from bot.render import Renderer
from bot.services.reminders.item_context import SECTIONS, item_context, item_name
from bot.services.reminders.views import ItemView
from bot.store.models import Enterprise

__all__ = ["MAX_BYTES", "MAX_ITEMS", "render_for"]

MAX_ITEMS = 20  # items per robot message (a Feishu card has at most 50 elements)
MAX_BYTES = {"wecom": 4096, "dingtalk": 18_000, "feishu": 25_000}

JSON = dict[str, Any]


def render_for(
    platform: str,
    renderer: Renderer,
    catalog: Catalog,
    enterprise: Enterprise,
    views: list[ItemView],
    *,
    now: dt.datetime,
    links: Mapping[int, str],
    catch_up: bool = False,
    digest_day: dt.date | None = None,
) -> JSON:
    """The body ``platform``'s robot webhook takes for this reminder (or digest)."""
    locale = enterprise.locale
    items = [
        _Item(
            state=str(ctx["state"]),
            text=renderer.plain(
                locale,
                "channels/markdown/item",
                **ctx,
                link=None if platform == "feishu" else links.get(view.occurrence.id or 0),
                label=renderer.text(locale, "channels/confirm_link"),
            ),
            button=renderer.text(
                locale, "buttons/confirm", name=item_name(catalog, enterprise, view, renderer)
            ),
            link=None if ctx["done"] else links.get(view.occurrence.id or 0),
        )
        for view in views
        for ctx in [item_context(catalog, enterprise, view, now)]
    ]
    title = renderer.text(locale, "channels/title", digest_day=digest_day)
    shown = items[:MAX_ITEMS]
    while True:
        more = len(items) - len(shown)
        body = _body(platform, renderer, locale, title, shown, more, catch_up)
        if len(shown) <= 1 or _size(body) <= MAX_BYTES[platform]:
            return body
        shown = shown[:-1]


class _Item:
    def __init__(self, *, state: str, text: str, button: str, link: str | None) -> None:
        self.state, self.text, self.button, self.link = state, text, button, link


def _size(body: JSON) -> int:
    return len(json.dumps(body, ensure_ascii=False).encode())


def _sections(renderer: Renderer, locale: str, items: list[_Item]) -> list[tuple[str, list[_Item]]]:
    return [
        (renderer.text(locale, "channels/section", key=key), found)
        for key in SECTIONS
        for found in [[i for i in items if i.state == key]]
        if found
    ]


def _body(
    platform: str,
    renderer: Renderer,
    locale: str,
    title: str,
    items: list[_Item],
    more: int,
    catch_up: bool,
) -> JSON:
    more_line = renderer.text(locale, "channels/more", more=more) if more else ""
    sections = _sections(renderer, locale, items)
    if platform == "feishu":
        return _feishu_card(title, sections, more_line)
    # DingTalk's markdown breaks a line only at a blank line or two trailing spaces.
    br = "  \n" if platform == "dingtalk" else "\n"
    text = renderer.plain(
        locale,
        "channels/markdown/message",
        title=title,
        catch_up=catch_up,
        sections=[
            {"heading": heading, "items": [br.join(i.text.split("\n")) for i in found]}
            for heading, found in sections
        ],
        more=more,
        more_line=more_line,
    )
    if platform == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": text}}
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def _feishu_card(title: str, sections: list[tuple[str, list[_Item]]], more_line: str) -> JSON:
    elements: list[JSON] = []
    for heading, found in sections:
        elements.append({"tag": "div", "text": {"tag": "lark_md", "content": f"**{heading}**"}})
        for item in found:
            elements.append({"tag": "div", "text": {"tag": "lark_md", "content": item.text}})
            if item.link:
                button = {
                    "tag": "button",
                    "text": {"tag": "plain_text", "content": item.button},
                    "type": "primary",
                    "url": item.link,
                }
                elements.append({"tag": "action", "actions": [button]})
    if more_line:
        elements.append({"tag": "note", "elements": [{"tag": "plain_text", "content": more_line}]})
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {"title": {"tag": "plain_text", "content": title}, "template": "orange"},
            "elements": elements,
        },
    }
