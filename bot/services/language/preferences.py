"""Which language a chat is written to in: a group's belongs to its enterprise, a private chat's to the user.

A group must be registered first: its language is a setting of the enterprise, so the
reminders the dispatcher posts later follow it too. A private chat has no enterprise; the
user's explicit choice is kept in ``UserPref`` and wins over Telegram's ``language_code``.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import Session, select

from bot.errors import UnknownLanguage
from bot.i18n import SUPPORTED_LOCALES, normalize_locale
from bot.services.enterprises import require_active
from bot.store.models import Enterprise
from bot.store.pref_models import UserPref
from bot.store.upsert import insert_ignore

# "zh", "zh-CN", "zh_hans", "en", "en-GB"… but not "english" or "de".
_CHOICE = re.compile(r"(zh|en)([-_][a-z]{2,8})?", re.IGNORECASE)


def resolve(text: str) -> str:
    """The supported locale a user typed (``zh``, ``zh-CN``, ``en``…); UnknownLanguage otherwise."""
    if not _CHOICE.fullmatch(text.strip()):
        raise UnknownLanguage(given=text)
    return normalize_locale(text.strip())


def group_enterprise(session: Session, chat_id: int) -> Enterprise:
    """The group's enterprise; NotRegistered tells an unregistered group to run /setup first."""
    return require_active(session, chat_id)


def set_group_locale(session: Session, *, chat_id: int, locale: str) -> Enterprise:
    """Switch a registered group, and so every message the bot sends there, to ``locale``."""
    if locale not in SUPPORTED_LOCALES:
        raise UnknownLanguage(given=locale)
    enterprise = require_active(session, chat_id)
    enterprise.locale = locale
    session.add(enterprise)
    session.commit()
    session.refresh(enterprise)
    return enterprise


def user_locale(session: Session, user_id: int) -> str | None:
    """The language a user chose with /lang, or None when they never did."""
    pref = session.exec(select(UserPref).where(UserPref.user_id == user_id)).first()
    return pref.locale if pref is not None else None


def set_user_locale(session: Session, *, user_id: int, locale: str, now: dt.datetime) -> UserPref:
    """Remember the user's language for private chats (one row per user, updated in place)."""
    if locale not in SUPPORTED_LOCALES:
        raise UnknownLanguage(given=locale)
    row = {"user_id": user_id, "locale": locale, "updated_at": now}
    table = UserPref.__table__  # type: ignore[attr-defined]  # SQLModel declares it untyped
    insert_ignore(session, table, [row])  # two presses at once must not raise
    pref = session.exec(select(UserPref).where(UserPref.user_id == user_id)).one()
    pref.locale, pref.updated_at = locale, now
    session.add(pref)
    session.commit()
    session.refresh(pref)
    return pref
