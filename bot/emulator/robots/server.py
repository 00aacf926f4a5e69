"""Loopback WeCom, DingTalk and Feishu robot webhooks on one aiohttp port.

Each answers as its platform does (codes confirmed in docs/channels.md):

- WeCom ``POST /cgi-bin/webhook/send?key=…``: an unknown or removed key → 93000 (invalid
  webhook url); a 21st post within a minute → 45009 (api freq out of limit).
- DingTalk ``POST /robot/send?access_token=…[&timestamp=…&sign=…]``: unknown token → 300001
  (token is not exist); a signed robot's missing, wrong or stale (over an hour) signature →
  310000 (sign not match / invalid timestamp); its keyword missing from the body → 310000
  (keywords not in content); a 21st post within a minute → 130101 (send too fast), and every
  post for the next ten minutes too.
- Feishu ``POST /open-apis/bot/v2/hook/…`` (``timestamp``/``sign`` in the body): unknown hook →
  19001; bad or stale signature → 19021; keyword missing → 19024; over 100 a minute or 5 a
  second → HTTP 400 with 9499 (too many request).

``FakeRobot.fail_next`` makes a robot answer its next posts with given codes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.channels.signing import FRESH_SECONDS, dingtalk_sign, feishu_sign
from bot.emulator.robots.state import DINGTALK_BLOCK, JSON, FakeRobot, Robots

_MESSAGES = {
    93000: "invalid webhook url",
    45009: "api freq out of limit",
    300001: "token is not exist",
    130101: "send too fast, exceed 20 times per minute",
    19001: "param invalid: incoming webhook access token invalid",
    19021: "sign match fail or timestamp is not within one hour from current time",
    19024: "Key Words Not Found",
    9499: "too many request",
}


class RobotEmulator(Robots):
    """``await emu.start()``; ``emu.wecom()`` etc. add robots; ``emu.base_url`` for the bot."""

    def __init__(self, *, now: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.now = now
        self._runner: web.AppRunner | None = None
        self._address = ("127.0.0.1", 0)

    def wecom(self) -> FakeRobot:
        return self.add("wecom")

    def dingtalk(self, *, secret: str | None = None, keyword: str | None = None) -> FakeRobot:
        return self.add("dingtalk", secret=secret, keyword=keyword)

    def feishu(self, *, secret: str | None = None, keyword: str | None = None) -> FakeRobot:
        return self.add("feishu", secret=secret, keyword=keyword)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application()
        app.router.add_post("/cgi-bin/webhook/send", self._wecom)
        app.router.add_post("/robot/send", self._dingtalk)
        app.router.add_post("/open-apis/bot/v2/hook/{hook}", self._feishu)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self._address = (host, int(self._runner.addresses[0][1]))

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://{self._address[0]}:{self._address[1]}"

    # ----- the three platforms -----
    async def _wecom(self, request: web.Request) -> web.Response:
        robot = self.find("wecom", request.query.get("key", ""))
        body = await _body(request)
        if robot is None or robot.removed:
            return self._refuse(robot, self.now(), _errcode(93000))
        return self._deliver(robot, body, _errcode, throttle=45009)

    async def _dingtalk(self, request: web.Request) -> web.Response:
        robot = self.find("dingtalk", request.query.get("access_token", ""))
        body = await _body(request)
        if robot is None or robot.removed:
            return self._refuse(robot, self.now(), _errcode(300001))
        now = self.now()
        if robot.secret:
            stamp, sign = request.query.get("timestamp", ""), request.query.get("sign", "")
            if not stamp.isdigit() or abs(int(stamp) / 1000 - now) > FRESH_SECONDS:
                return self._refuse(robot, now, _errcode(310000, "invalid timestamp"))
            if sign != dingtalk_sign(robot.secret, int(stamp)):
                return self._refuse(robot, now, _errcode(310000, "sign not match"))
        if robot.keyword and robot.keyword not in json.dumps(body, ensure_ascii=False):
            return self._refuse(robot, now, _errcode(310000, "keywords not in content"))
        if now < robot.blocked_until:
            return self._refuse(robot, now, _errcode(130101))
        if robot.over_limit(now):
            robot.blocked_until = now + DINGTALK_BLOCK
            return self._refuse(robot, now, _errcode(130101))
        return self._deliver(robot, body, _errcode, throttle=None)

    async def _feishu(self, request: web.Request) -> web.Response:
        robot = self.find("feishu", request.match_info["hook"])
        body = await _body(request)
        if robot is None or robot.removed:
            return self._refuse(robot, self.now(), _code(19001))
        now = self.now()
        if robot.secret:
            stamp, sign = str(body.pop("timestamp", "")), str(body.pop("sign", ""))
            fresh = stamp.isdigit() and abs(int(stamp) - now) <= FRESH_SECONDS
            if not fresh or sign != feishu_sign(robot.secret, int(stamp)):
                return self._refuse(robot, now, _code(19021))
        if robot.keyword and robot.keyword not in json.dumps(body, ensure_ascii=False):
            return self._refuse(robot, now, _code(19024))
        return self._deliver(robot, body, _code, throttle=9499)

    # ----- shared -----
    def _deliver(
        self,
        robot: FakeRobot,
        body: JSON,
        answer: Callable[..., web.Response],
        *,
        throttle: int | None,
    ) -> web.Response:
        now = self.now()
        if robot.fail_next:
            return self._refuse(robot, now, answer(robot.fail_next.pop(0)))
        if throttle is not None and robot.over_limit(now):
            return self._refuse(robot, now, answer(throttle))
        robot.accepted.append((now, body))
        return answer(0)

    @staticmethod
    def _refuse(robot: FakeRobot | None, now: float, response: web.Response) -> web.Response:
        if robot is not None:  # a removed robot still counts what it refused
            robot.refused.append((now, int(response.headers["X-Code"])))
        return response


async def _body(request: web.Request) -> JSON:
    try:
        body: Any = await request.json()
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}


def _errcode(code: int, message: str | None = None) -> web.Response:
    """WeCom's and DingTalk's answer: HTTP 200 with ``errcode``."""
    body = {"errcode": code, "errmsg": message or _MESSAGES.get(code, "ok")}
    return web.json_response(body, headers={"X-Code": str(code)})


def _code(code: int) -> web.Response:
    """Feishu's answer: ``code``/``msg`` (HTTP 400 for frequency limits)."""
    status = 400 if code == 9499 else 200
    message = _MESSAGES.get(code, "success")
    body = {"code": code, "msg": message, "data": {}}
    return web.json_response(body, status=status, headers={"X-Code": str(code)})
