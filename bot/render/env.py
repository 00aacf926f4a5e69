"""One Jinja2 environment per locale over ``messages/templates``, translated with Babel.

Templates are written with ``{% trans %}`` blocks whose msgids are English; the catalogs in
``messages/locale/<locale>/LC_MESSAGES/messages.po`` translate them. The ``.po`` files are
compiled in memory at start-up, so there are no ``.mo`` files to forget to rebuild.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.i18n import SUPPORTED_LOCALES, normalize_locale
from bot.render import filters


def load_translations(messages_dir: Path, locale: str) -> Translations:
    """Translations for ``locale`` compiled from its ``.po`` file."""
    po_path = messages_dir / "locale" / locale / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


class Renderer:
    """Renders ``messages/templates/<name>.html.j2`` in a given locale."""

    def __init__(self, messages_dir: Path, locales: tuple[str, ...] = SUPPORTED_LOCALES) -> None:
        self.messages_dir = messages_dir
        self._envs: dict[str, Environment] = {}
        for locale in locales:
            env = Environment(
                loader=FileSystemLoader(messages_dir / "templates"),
                undefined=StrictUndefined,
                autoescape=select_autoescape(["html.j2"], default_for_string=False),
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=False,
            )
            env.policies["ext.i18n.trimmed"] = True
            translations = load_translations(messages_dir, locale)
            env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
            filters.register(env, locale, translations)
            self._envs[locale] = env

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(self._envs)

    def env(self, locale: str) -> Environment:
        return self._envs[normalize_locale(locale)]

    def render(self, locale: str, name: str, /, **context: Any) -> str:
        """The message ``name`` (e.g. ``"setup/greeting"``), stripped of surrounding blank lines."""
        template = self.env(locale).get_template(f"{name}.html.j2")
        return template.render(**context).strip()

    def exists(self, filename: str) -> bool:
        """Whether ``messages/templates/<filename>`` exists."""
        return (self.messages_dir / "templates" / filename).is_file()

    def text(self, locale: str, name: str, /, **context: Any) -> str:
        """A plain-text message (button labels, poll texts): ``<name>.txt.j2``, not HTML-escaped."""
        template = self.env(locale).get_template(f"{name}.txt.j2")
        return " ".join(template.render(**context).split())

    def plain(self, locale: str, name: str, /, **context: Any) -> str:
        """A multi-line plain-text document (``<name>.txt.j2``), e.g. the demo's transcript frame."""
        return self.env(locale).get_template(f"{name}.txt.j2").render(**context).strip()

    def format_date(self, locale: str, value: dt.date) -> str:
        return str(self.env(locale).filters["date"](value))
