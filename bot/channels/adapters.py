"""Posting one message to a robot over plain signed HTTP (httpx), and reading its answer.

Plain HTTP rather than an SDK: a custom robot is one POST of a JSON body to its webhook, plus
a signature for DingTalk and Feishu (``bot.channels.signing``). ``lark-oapi`` targets Feishu's
*app* bots (tenant tokens, the IM API) and has no custom-bot webhook client; DingTalk's and
WeCom's SDKs likewise cover app bots. An SDK would add a dependency and nothing for this.

The answer is mapped to an ``Outcome`` by each platform's error code (docs/channels.md,
"Sending and limits", cites where each code was confirmed). All three answer HTTP 200 with a
code in the body for most refusals; Feishu answers frequency limits with HTTP 400 and a body.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from bot.channels.outcomes import Broken, Outcome, Posted, Rejected, Throttled, Unavailable
from bot.channels.signing import dingtalk_sign, feishu_sign

__all__ = ["Robot", "post", "with_keyword"]

JSON = dict[str, Any]

# How long a robot is left alone after a frequency refusal: DingTalk blocks a robot for ten
# minutes once it exceeds 20 a minute; WeCom and Feishu count by the minute.
_THROTTLE_SECONDS = {"wecom": 60.0, "dingtalk": 600.0, "feishu": 60.0}
_WECOM = {45009: "throttled", 93000: "invalid_key"}
_DINGTALK = {130101: "throttled", 300001: "robot_gone", 300005: "robot_gone", 400013: "robot_gone"}
_FEISHU = {
    9499: "throttled",
    11232: "throttled",
    19001: "robot_gone",  # param invalid: incoming webhook access token invalid
    19021: "signature",  # sign match fail or timestamp is not within one hour
    19022: "ip_not_allowed",
    19024: "keyword",  # Key Words Not Found
}


@dataclass(frozen=True)
class Robot:
    """What posting needs of a channel (``bot.store.channel_models.Channel``)."""

    platform: str
    webhook_url: str
    secret: str | None = None
    keyword: str | None = None


def _rebased(url: str, base_url: str | None) -> str:
    """``url`` sent to ``base_url`` (scheme and host) instead: the loopback emulator."""
    if not base_url:
        return url
    parts, base = urlsplit(url), urlsplit(base_url)
    return urlunsplit(
        (base.scheme, base.netloc, base.path.rstrip("/") + parts.path, parts.query, "")
    )


def with_keyword(platform: str, payload: JSON, keyword: str | None) -> JSON:
    """``payload`` with the robot's security keyword in its text, if it is not there already."""
    if not keyword or keyword in json.dumps(payload, ensure_ascii=False):
        return payload
    body = json.loads(json.dumps(payload))
    if platform == "dingtalk":
        kind = body.get("msgtype", "markdown")
        field = "content" if kind == "text" else "text"
        part = body.get("actionCard" if kind == "actionCard" else kind, {})
        part[field] = f"{part.get(field, '')}\n\n{keyword}"
    elif platform == "feishu":
        card = body.setdefault("card", {})
        card.setdefault("elements", []).append(
            {"tag": "note", "elements": [{"tag": "plain_text", "content": keyword}]}
        )
    return dict(body)


def _signed(robot: Robot, payload: JSON, now: dt.datetime) -> tuple[str, JSON]:
    url, body = robot.webhook_url, with_keyword(robot.platform, payload, robot.keyword)
    if robot.secret and robot.platform == "dingtalk":
        ms = int(now.timestamp() * 1000)
        url += f"&timestamp={ms}&sign={quote(dingtalk_sign(robot.secret, ms), safe='')}"
    elif robot.secret and robot.platform == "feishu":
        seconds = int(now.timestamp())
        body = {"timestamp": str(seconds), "sign": feishu_sign(robot.secret, seconds)} | body
    return url, body


def _outcome(platform: str, code: int, message: str) -> Outcome:
    if code == 0:
        return Posted()
    if platform == "dingtalk" and code == 310000:  # keywords, signature or IP: by the message
        text = message.lower()
        reason = (
            "keyword"
            if "keyword" in text
            else "ip_not_allowed"
            if "ip" in text.split()
            else "signature"
        )
        return Broken(reason, code)
    table = {"wecom": _WECOM, "dingtalk": _DINGTALK, "feishu": _FEISHU}[platform]
    kind = table.get(code)
    if kind == "throttled":
        return Throttled(_THROTTLE_SECONDS[platform], code)
    if kind is not None:
        return Broken(kind, code)
    return Rejected(message[:150], code)


def _read(platform: str, response: httpx.Response) -> Outcome:
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        if response.status_code == 429:
            return Throttled(_THROTTLE_SECONDS[platform], 429)
        return Unavailable(f"HTTP {response.status_code}")
    if platform == "feishu":
        code = answer.get("code", answer.get("StatusCode", -1))
        message = str(answer.get("msg", answer.get("StatusMessage", "")))
    else:
        code, message = answer.get("errcode", -1), str(answer.get("errmsg", ""))
    if response.status_code >= 500 or code == -1:  # busy (系统繁忙) or down: try again later
        return Unavailable(f"HTTP {response.status_code} code {code}")
    return _outcome(platform, int(code) if isinstance(code, int) else -1, message)


async def post(
    client: httpx.AsyncClient,
    robot: Robot,
    payload: JSON,
    *,
    now: dt.datetime,
    base_url: str | None = None,
) -> Outcome:
    """POST ``payload`` (the platform's body, unsigned) to ``robot``, signed at ``now``."""
    url, body = _signed(robot, payload, now)
    try:
        response = await client.post(_rebased(url, base_url), json=body)
    except httpx.HTTPError as exc:  # never the URL in the detail: it holds the robot's key
        return Unavailable(type(exc).__name__)
    return _read(robot.platform, response)
