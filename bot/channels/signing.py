"""The robots' signatures (加签), shared by the adapters and the loopback emulator.

- DingTalk: ``timestamp`` in milliseconds; the string ``timestamp + "\\n" + secret`` is signed
  with HMAC-SHA256 keyed with the secret, base64-encoded; both go in the URL's query
  (``&timestamp=…&sign=…``, the sign URL-encoded).
- Feishu: ``timestamp`` in seconds; ``timestamp + "\\n" + secret`` is the HMAC-SHA256 *key*
  over an empty message, base64-encoded; both go in the JSON body (``timestamp``, ``sign``).

Both platforms refuse a timestamp more than an hour from their clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["FRESH_SECONDS", "dingtalk_sign", "feishu_sign"]

FRESH_SECONDS = 3600  # a signature older (or newer) than this is refused


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The base64 signature (not yet URL-encoded) of a DingTalk post at ``timestamp_ms``."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """The base64 signature of a Feishu post at ``timestamp_s``."""
    key = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(key, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
