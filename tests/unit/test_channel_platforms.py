"""Robot webhooks: URL shapes per platform, masking, signatures as documented, the pace."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.channels.adapters import Robot, _signed
from bot.channels.pacing import RobotPace
from bot.channels.platforms import LIMITS, check_webhook, mask
from bot.errors import BadWebhook

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=b955aaaa9af0ffb73500ce4a"
FEISHU = "https://open.feishu.cn/open-apis/bot/v2/hook/b43e7bea-88fd-436e-0000-000000000000"
LARK = "https://open.larksuite.com/open-apis/bot/v2/hook/b43e7bea-88fd-436e-0000-000000000000"


@pytest.mark.parametrize(
    ("platform", "url"),
    [("wecom", WECOM), ("dingtalk", DINGTALK), ("feishu", FEISHU), ("feishu", LARK)],
)
def test_each_platforms_webhook_is_accepted(platform: str, url: str) -> None:
    assert check_webhook(platform, f" {url} ", secret="SECx", keyword=None) == url


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("wecom", DINGTALK),  # another platform's robot
        ("dingtalk", WECOM),
        ("feishu", WECOM),
        ("wecom", WECOM.replace("https", "http")),
        ("wecom", WECOM.split("?")[0]),  # no key
        ("wecom", WECOM + "&debug=1"),
        ("dingtalk", DINGTALK.replace("oapi.dingtalk.com", "oapi.dingtalk.com.evil.cn")),
        ("feishu", FEISHU.replace("/v2/", "/v1/")),
        ("feishu", FEISHU + "/extra"),
    ],
)
def test_a_webhook_of_another_shape_is_refused_naming_the_shape(platform: str, url: str) -> None:
    with pytest.raises(BadWebhook) as refused:
        check_webhook(platform, url, secret="SECx", keyword=None)
    assert refused.value.context["reason"] == "shape"
    assert refused.value.context["expected"].startswith("https://")


@pytest.mark.parametrize(("platform", "url"), [("dingtalk", DINGTALK), ("feishu", FEISHU)])
def test_a_signed_robot_needs_its_secret_or_keyword(platform: str, url: str) -> None:
    with pytest.raises(BadWebhook) as refused:
        check_webhook(platform, url, secret=" ", keyword=None)
    assert refused.value.context["reason"] == "secret_missing"
    assert check_webhook(platform, url, secret=None, keyword="安全")


def test_a_masked_webhook_hides_the_key() -> None:
    for url in (WECOM, DINGTALK, FEISHU):
        shown = mask(url)
        key = url.rsplit("=", 1)[-1].rsplit("/", 1)[-1]
        assert key not in shown and key[:4] + "…" in shown


NOW = dt.datetime(2026, 12, 1, 0, 5, 7, tzinfo=dt.UTC)


def test_dingtalk_is_signed_in_the_query_as_documented() -> None:
    url, _ = _signed(Robot("dingtalk", DINGTALK, "SECabc"), {"msgtype": "text"}, NOW)
    query = parse_qs(urlsplit(url).query)  # the sign arrives URL-decoded
    stamp = query["timestamp"][0]
    assert stamp == str(int(NOW.timestamp() * 1000))
    expected = hmac.new(b"SECabc", f"{stamp}\nSECabc".encode(), hashlib.sha256).digest()
    assert query["sign"][0] == base64.b64encode(expected).decode()


def test_feishu_is_signed_in_the_body_as_documented() -> None:
    _, body = _signed(Robot("feishu", FEISHU, "SECabc"), {"msg_type": "interactive"}, NOW)
    stamp = str(int(NOW.timestamp()))
    expected = hmac.new(f"{stamp}\nSECabc".encode(), b"", hashlib.sha256).digest()
    assert body["timestamp"] == stamp and body["sign"] == base64.b64encode(expected).decode()
    assert body["msg_type"] == "interactive"


def test_the_pace_holds_a_robot_to_its_minute() -> None:
    pace = RobotPace(LIMITS["dingtalk"])
    for n in range(20):
        assert pace.next_start(NOW) == NOW
        pace.record(NOW + dt.timedelta(seconds=n))
    assert pace.next_start(NOW + dt.timedelta(seconds=20)) == NOW + dt.timedelta(seconds=61)


def test_feishu_waits_out_the_half_hour_and_its_second() -> None:
    pace = RobotPace(LIMITS["feishu"])
    half = NOW.replace(minute=30, second=2)
    assert pace.next_start(half) == half.replace(second=10)
    later = half.replace(second=20)
    for _ in range(5):
        pace.record(later)
    assert pace.next_start(later) == later + dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("status", "body"),
    [(200, {"errcode": -1, "errmsg": "系统繁忙"}), (502, {"errcode": 40001, "errmsg": "x"})],
)
def test_a_busy_or_failing_platform_is_tried_again_not_given_up(
    status: int, body: dict[str, object]
) -> None:
    import httpx

    from bot.channels.adapters import _read
    from bot.channels.outcomes import Unavailable

    assert isinstance(_read("wecom", httpx.Response(status, json=body)), Unavailable)
