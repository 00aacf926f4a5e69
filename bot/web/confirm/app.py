"""The confirmation page robots link to: ``/confirm/<token>`` on the bot's web server.

One plain HTML page and one form, no JavaScript (the in-app browsers of WeChat/WeCom,
DingTalk and Feishu open it): what the item is, who confirmed it already, and a form to
confirm with an optional note and photo. The person's name is asked once per device (a signed
cookie) or picked from the enterprise's roster. A tampered or expired link, a photo too large
or of the wrong type, a missing name: a clear page and nothing stored. After a confirmation
the page answers with a redirect to itself (a reload does not post again).
"""

from __future__ import annotations

import logging
import secrets

from aiohttp import web
from sqlmodel import select

from bot.errors import NotYetOpen, StaleButton
from bot.services.channels import page
from bot.services.channels.links import (
    PAGE_PERSON_BASE,
    BadLink,
    LinkTarget,
    Person,
    link_key,
    person_cookie,
    read_person,
    read_token,
)
from bot.services.context import AppContext
from bot.storage import files
from bot.store.storage_models import StoredFile
from bot.web.confirm.form import ConfirmForm, read_form
from bot.web.desk.deps import DeskDeps
from bot.web.desk.layout import PAGE_HEADERS

log = logging.getLogger(__name__)

CONFIRM_DEPS = web.AppKey("confirm_deps", DeskDeps)
COOKIE = "safety_person"
COOKIE_PATH = "/confirm/"
COOKIE_DAYS = 365
_STATUS = {"link_invalid": 400, "link_expired": 410, "gone": 404}


def _deps(request: web.Request) -> DeskDeps:
    return request.app[CONFIRM_DEPS]


def _html(
    request: web.Request, template: str, locale: str, status: int = 200, **values: object
) -> web.Response:
    html = _deps(request).renderer.render(locale, f"confirm/{template}", **values)
    response = web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
    response.headers.update(PAGE_HEADERS)
    return response


def _refused(request: web.Request, reason: str, locale: str | None = None) -> web.Response:
    """The page for a link that cannot be used: nothing of the link is shown back."""
    locale = locale or _deps(request).ctx.settings.bot_locale
    return _html(request, "refused", locale, status=_STATUS[reason], reason=reason)


def _target(request: web.Request) -> LinkTarget:
    ctx = _deps(request).ctx
    return read_token(link_key(ctx.settings), request.match_info["token"], now=ctx.clock.now())


def _page(
    request: web.Request,
    item: page.PageItem,
    person: Person | None,
    *,
    status: int = 200,
    problem: str = "",
) -> web.Response:
    settings = _deps(request).ctx.settings
    return _html(
        request, "page", item.enterprise.locale, status=status, item=item, person=person,
        asking=person is None or "change" in request.query, problem=problem,
        thanks="done" in request.query and status == 200, tz=item.enterprise.timezone,
        limit_mb=f"{settings.evidence_max_bytes / 2**20:.3g}", action=request.path,
    )  # fmt: skip


async def show(request: web.Request) -> web.Response:
    ctx = _deps(request).ctx
    try:
        target = _target(request)
        with ctx.session() as session:
            item = page.load_item(session, ctx.catalog, target)
    except BadLink as bad:
        return _refused(request, bad.reason)
    except StaleButton:
        return _refused(request, "gone")
    return _page(request, item, read_person(link_key(ctx.settings), request.cookies.get(COOKIE)))


def _who(form: ConfirmForm, item: page.PageItem, known: Person | None) -> Person | None:
    if known is not None and known.user_id < PAGE_PERSON_BASE:  # a roster member elsewhere
        known = page.roster_person(item, known.user_id)  # counts here only if on this roster
    if form.member is not None:
        return page.roster_person(item, form.member)
    if form.name:
        if known is not None and known.name == form.name:
            return known
        return Person(PAGE_PERSON_BASE + secrets.randbelow(10**15), form.name)
    return known


async def submit(request: web.Request) -> web.Response:
    ctx = _deps(request).ctx
    settings, key = ctx.settings, link_key(ctx.settings)
    try:
        target = _target(request)
        with ctx.session() as session:
            item = page.load_item(session, ctx.catalog, target)
    except BadLink as bad:
        return _refused(request, bad.reason)
    except StaleButton:
        return _refused(request, "gone")
    known = read_person(key, request.cookies.get(COOKIE))
    form = await read_form(request, max_photo=settings.evidence_max_bytes)
    if form.photo_too_large:
        return _page(request, item, known, status=413, problem="too_large")
    checked = None
    if form.photo is not None:
        try:
            checked = files.check("photo", form.photo, max_bytes=settings.evidence_max_bytes)
        except files.TooLarge:
            return _page(request, item, known, status=413, problem="too_large")
        except files.WrongType:
            return _page(request, item, known, status=415, problem="wrong_type")
    person = _who(form, item, known)
    if person is None:
        return _page(request, item, None, status=400, problem="name_needed")
    now = ctx.clock.now()
    photo_key = None
    if checked is not None:  # in the store before anything is recorded
        photo_key = files.evidence_key(target.enterprise_id, now, checked)
        try:
            await ctx.evidence_store().put(photo_key, checked.data, checked.content_type)
        except Exception as exc:  # the store's own errors (disk full, S3 down)
            log.warning("confirmation page: the evidence store refused a photo: %s", exc)
            return _page(request, item, person, status=503, problem="store_failed")
    try:
        with ctx.session() as session:
            channel = page.channel_for(
                session, target.enterprise_id, request.headers.get("User-Agent", "")
            )
            page.confirm(
                session, ctx.catalog, item, person, note=form.note, channel=channel, now=now
            )
            if checked is not None and photo_key is not None:
                page.record_photo(session, item, person, photo_key, checked, now)
    except (NotYetOpen, StaleButton) as refused:  # nothing recorded: the photo goes too
        if photo_key is not None and not _kept(ctx, photo_key):
            await ctx.evidence_store().delete(photo_key)
        if isinstance(refused, NotYetOpen):
            return _page(request, item, person, status=409, problem="not_yet_open")
        return _refused(request, "gone", item.enterprise.locale)
    response = web.HTTPSeeOther(f"{request.path}?done=1")
    response.set_cookie(
        COOKIE, person_cookie(key, person), path=COOKIE_PATH, max_age=COOKIE_DAYS * 86400,
        httponly=True, samesite="Lax", secure=settings.desk_cookies_secure,
    )  # fmt: skip
    raise response


def _kept(ctx: AppContext, key: str) -> bool:
    """Whether another record already keeps this file (the same photo sent before)."""
    with ctx.session() as session:
        return session.exec(select(StoredFile.id).where(StoredFile.key == key)).first() is not None


def mount_confirm(web_app: web.Application, deps: DeskDeps) -> None:
    """Serve the confirmation page under ``/confirm/`` of the bot's web server."""
    app = web.Application()
    app[CONFIRM_DEPS] = deps
    app.router.add_get("/{token}", show)
    app.router.add_post("/{token}", submit)
    web_app.add_subapp(COOKIE_PATH, app)
