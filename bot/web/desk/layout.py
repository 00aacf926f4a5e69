"""Pages of the desk: the base layout around a template, and the error page every refusal shows.

Templates are full HTML documents under ``messages/templates/desk/`` extending
``desk/base.html.j2`` (autoescaped, translated like every other message). Every page gets
``scope``, ``csrf`` (for its forms), ``locale``, ``path`` and ``lang_urls``; the page's own
values come as keyword arguments. An error page explains ``desk/reasons/<reason_key>``
(or the status in general) and never shows anything of the request beyond that.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aiohttp import web

from bot.i18n import SUPPORTED_LOCALES, normalize_locale
from bot.web.desk.auth import SCOPE_KEY, DeskScope
from bot.web.desk.deps import deps_of

DEFAULT_REASONS = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "not_found",
    410: "link_expired",
    500: "server_error",
}
# Routes a part names like this appear in the header, in this order (labels in desk/base).
NAV = ("overview", "supervision", "reports", "sessions")
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def page_locale(request: web.Request, scope: DeskScope | None) -> str:
    """``?lang=`` first, then the session's language, then the deployment's default."""
    lang = request.query.get("lang")
    if lang in SUPPORTED_LOCALES:
        return lang
    if scope is not None:
        return scope.locale
    return normalize_locale(deps_of(request).ctx.settings.bot_locale)


def _template(name: str) -> str:
    name = name.removesuffix(".html.j2")
    return name if name.startswith("desk/") else f"desk/{name}"


def _lang_urls(request: web.Request) -> dict[str, str]:
    query = {k: v for k, v in request.query.items() if k not in ("t", "lang")}  # no login token
    return {
        code: str(request.rel_url.with_query(query).update_query(lang=code))
        for code in SUPPORTED_LOCALES
    }


def _nav(request: web.Request) -> list[tuple[str, str]]:
    """(name, URL) of the header's links: the routes named in ``NAV`` that are registered."""
    named = request.app.router.named_resources()
    return [(name, named[name].url_for().path) for name in NAV if name in named]


def render_html(
    request: web.Request,
    scope: DeskScope | None,
    template: str,
    *,
    status: int = 200,
    locale: str | None = None,
    **ctx: Any,
) -> web.Response:
    """A desk template as an HTML response (with or without a session; ``locale`` overrides
    the page's language when there is no session yet)."""
    if locale is None or request.query.get("lang") in SUPPORTED_LOCALES:
        locale = page_locale(request, scope)
    deps = deps_of(request)
    values: dict[str, Any] = {
        "scope": scope,
        "csrf": scope.csrf_token if scope else "",
        "locale": locale,
        "path": request.path,
        "lang_urls": _lang_urls(request),
        "tz": deps.ctx.settings.bot_timezone,  # times are shown in the deployment's zone
        "nav": _nav(request) if scope is not None else [],
    }
    html = deps.renderer.render(locale, _template(template), **(values | ctx))
    response = web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
    response.headers.update(PAGE_HEADERS)
    return response


def render_page(request: web.Request, scope: DeskScope, template: str, **ctx: Any) -> web.Response:
    """A page of a logged-in desk (``template``: ``"overview"`` or ``"desk/overview"``)."""
    return render_html(request, scope, template, **ctx)


def error_page(request: web.Request, status: int, reason_key: str) -> web.Response:
    """A clear page for a refusal: the status, what went wrong, what to do; nothing else."""
    deps = deps_of(request)
    reason = reason_key if deps.renderer.exists(f"desk/reasons/{reason_key}.html.j2") else None
    if reason is None:
        reason = DEFAULT_REASONS.get(status, "server_error" if status >= 500 else "bad_request")
    scope = request.get(SCOPE_KEY)
    return render_html(
        request, scope, "error", status=status, reason=reason, status_code=status,
        status_phrase=HTTPStatus(status).phrase,
    )  # fmt: skip
