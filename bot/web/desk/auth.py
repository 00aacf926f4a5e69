"""Who is asking: the session cookie → a ``DeskScope`` (what this browser may see), CSRF.

Every page starts with ``scope = scope_of(request)``; a page about one enterprise then calls
``require_enterprise(scope, enterprise_id)`` (404 for an enterprise the desk does not oversee,
the same answer as for one that does not exist: nothing leaks), and every POST handler calls
``check_csrf(request, scope, await request.post())`` before changing anything. The visible
enterprises are read from the database on each request, not kept in the session.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.i18n import SUPPORTED_LOCALES
from bot.services.context import AppContext
from bot.services.desk import sessions
from bot.web.desk.deps import DESK_DEPS

COOKIE = "desk_session"
COOKIE_PATH = "/desk/"
LOGIN_PAGE = "/desk/login"


@dataclass(frozen=True)
class DeskScope:
    session_id: int
    user_id: int
    office_id: int | None  # None: an enterprise admin's session
    enterprise_ids: frozenset[int]  # what this session may see (linked enterprises, or the one)
    locale: str
    csrf_token: str
    desk_name: str = ""  # the office's title or the enterprise's name, for the page header


# The request's scope, once scope_of found it (error pages use its language).
SCOPE_KEY = web.RequestKey("desk_scope", DeskScope)


class Refused(web.HTTPException):
    """An answer shown as a desk error page: ``status`` and the reason the page explains."""

    def __init__(self, status: int, reason_key: str) -> None:
        self.status_code = status
        super().__init__()
        self.reason_key = reason_key


def refuse(status: int, reason_key: str) -> Refused:
    """``raise refuse(400, "bad_period")``: the error page ``desk/reasons/<reason_key>``."""
    return Refused(status, reason_key)


def _ctx(request: web.Request) -> AppContext:
    return request.app[DESK_DEPS].ctx


def scope_of(request: web.Request) -> DeskScope:
    """The scope of the request's session; redirects to the login page when there is none
    (and forgets a cookie that names no live session: forged, revoked, expired)."""
    if SCOPE_KEY in request:
        return request[SCOPE_KEY]
    token = request.cookies.get(COOKIE)
    if not token:
        raise web.HTTPFound(LOGIN_PAGE)
    ctx = _ctx(request)
    now = ctx.clock.now()
    with ctx.session() as session:
        row = sessions.active_session(session, token, now=now)
        if row is None:
            gone = web.HTTPFound(LOGIN_PAGE + "?why=ended")
            gone.del_cookie(COOKIE, path=COOKIE_PATH)
            raise gone
        lang = request.query.get("lang")
        sessions.seen(session, row, now=now, locale=lang if lang in SUPPORTED_LOCALES else None)
        assert row.id is not None
        scope = DeskScope(
            session_id=row.id, user_id=row.user_id, office_id=row.office_id,
            enterprise_ids=sessions.visible_enterprises(session, row), locale=row.locale,
            csrf_token=row.csrf_token, desk_name=sessions.desk_name(session, row),
        )  # fmt: skip
    request[SCOPE_KEY] = scope
    return scope


def require_enterprise(scope: DeskScope, enterprise_id: int) -> None:
    """404 unless this desk oversees the enterprise (unknown and foreign look the same)."""
    if enterprise_id not in scope.enterprise_ids:
        raise refuse(404, "not_found")


def check_csrf(request: web.Request, scope: DeskScope, form: Mapping[str, Any]) -> None:
    """403 unless the form carries this session's CSRF token (field ``csrf``)."""
    given = form.get("csrf")
    if not isinstance(given, str) or not hmac.compare_digest(
        given.encode(), scope.csrf_token.encode()
    ):
        raise refuse(403, "csrf")


def session_cookie(response: web.StreamResponse, token: str, *, secure: bool, hours: int) -> None:
    """Set the session cookie: HttpOnly, SameSite=Strict, Secure behind TLS, only for /desk/."""
    response.set_cookie(
        COOKIE, token, path=COOKIE_PATH, max_age=hours * 3600,
        httponly=True, samesite="Strict", secure=secure,
    )  # fmt: skip
