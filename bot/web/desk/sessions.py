"""Logging in with a one-time link, the person's sessions (list, revoke) and logging out.

``GET /desk/login?t=…`` redeems the link: the session cookie is set on a small page that
moves on to ``/desk/`` by itself (a meta refresh, not a 302: a navigation that started on
another site, a chat's web client, would not carry a SameSite=Strict cookie through a
redirect). Without a link the same address explains how to get one.
"""

from __future__ import annotations

from typing import NoReturn

from aiohttp import web

from bot.services.desk import sessions as desk_sessions
from bot.services.desk.login import LinkRefused, desk_key, redeem
from bot.web.desk.auth import (
    COOKIE,
    COOKIE_PATH,
    LOGIN_PAGE,
    check_csrf,
    refuse,
    scope_of,
    session_cookie,
)
from bot.web.desk.deps import deps_of
from bot.web.desk.layout import error_page, render_html, render_page

LINK_STATUS = {"link_invalid": 400, "link_expired": 410, "link_used": 410}
WHY = ("ended", "logged_out")


async def login(request: web.Request) -> web.Response:
    token = request.query.get("t")
    if token is None:
        why = request.query.get("why", "")
        return render_html(request, None, "login", why=why if why in WHY else "")
    ctx = deps_of(request).ctx
    settings, now = ctx.settings, ctx.clock.now()
    configured = settings.desk_secret.get_secret_value() if settings.desk_secret else None
    try:
        with ctx.session() as session:
            opened = redeem(
                session, key=desk_key(session, configured, now=now), token=token,
                user_agent=request.headers.get("User-Agent", ""),
                session_hours=settings.desk_session_hours, now=now,
            )  # fmt: skip
    except LinkRefused as refused:
        return error_page(request, LINK_STATUS[refused.reason], refused.reason)
    response = render_html(request, None, "login_done", locale=opened.row.locale)
    session_cookie(
        response, opened.token, secure=settings.desk_cookies_secure,
        hours=settings.desk_session_hours,
    )  # fmt: skip
    return response


async def sessions_page(request: web.Request) -> web.Response:
    scope = scope_of(request)
    ctx = deps_of(request).ctx
    with ctx.session() as session:
        rows = desk_sessions.sessions_of(
            session, user_id=scope.user_id, current_id=scope.session_id, now=ctx.clock.now()
        )
    return render_page(request, scope, "sessions", sessions=rows)


async def revoke(request: web.Request) -> web.Response:
    scope = scope_of(request)
    check_csrf(request, scope, await request.post())
    raw = request.match_info["session_id"]
    if not raw.isdigit() or len(raw) > 18:
        raise refuse(404, "not_found")
    ctx = deps_of(request).ctx
    with ctx.session() as session:
        done = desk_sessions.revoke(
            session, user_id=scope.user_id, session_id=int(raw), now=ctx.clock.now()
        )
    if not done:  # not this person's, already ended, or no such session
        raise refuse(404, "not_found")
    if int(raw) == scope.session_id:
        _logged_out()
    raise web.HTTPSeeOther("/desk/sessions")


async def logout(request: web.Request) -> web.Response:
    scope = scope_of(request)
    check_csrf(request, scope, await request.post())
    ctx = deps_of(request).ctx
    with ctx.session() as session:
        desk_sessions.revoke(
            session, user_id=scope.user_id, session_id=scope.session_id, now=ctx.clock.now()
        )
    _logged_out()


def _logged_out() -> NoReturn:
    gone = web.HTTPSeeOther(LOGIN_PAGE + "?why=logged_out")
    gone.del_cookie(COOKIE, path=COOKIE_PATH)
    raise gone


def register(app: web.Application) -> None:
    app.router.add_get("/login", login)
    app.router.add_get("/sessions", sessions_page, name="sessions")
    app.router.add_post("/sessions/{session_id}/revoke", revoke)
    app.router.add_post("/logout", logout)
