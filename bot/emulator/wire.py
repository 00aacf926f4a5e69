"""The Bot API on the wire: how PTB's requests arrive and how method names are spelled.

PTB sends form fields with JSON-encoded nested values, multipart uploads or JSON bodies; this
module turns any of them into one parameter dict, files as :class:`Upload`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from bot.emulator.state import JSON

_PLAIN = frozenset(
    {
        "text",
        "caption",
        "question",
        "explanation",
        "description",
        "short_description",
        "url",
        "parse_mode",
        "caption_parse_mode",
        "explanation_parse_mode",
        "question_parse_mode",
        "callback_query_id",
        "secret_token",
        "language_code",
        "action",
        "type",
        "file_id",
        "title",
        "photo",
        "document",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "ip_address",
        "name",
        "emoji",
        "custom_title",
        "sticker",
    }
)
Handler = Callable[[JSON], Awaitable[Any]]


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str | None
    data: bytes


def decode(key: str, value: str) -> Any:
    """Form values arrive as strings; PTB JSON-encodes everything that is not a string."""
    if key in _PLAIN:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def camel(method: str) -> str:
    """api_send_message -> sendMessage (the canonical Bot API spelling)."""
    first, *rest = method.split("_")
    return first + "".join(p.capitalize() for p in rest)


async def read_params(request: web.Request) -> JSON:
    """Query string, then the JSON, multipart or urlencoded body, as PTB sent them."""
    params: JSON = {k: decode(k, v) for k, v in request.query.items()}
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        params.update(body if isinstance(body, dict) else {})
    elif request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                ctype = part.headers.get("Content-Type")
                params[part.name] = Upload(part.filename, ctype, bytes(await part.read()))
            else:
                params[part.name] = decode(part.name, await part.text())
    else:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                params[key] = Upload(value.filename, value.content_type, value.file.read())
            else:
                params[key] = decode(key, str(value))
    return params
