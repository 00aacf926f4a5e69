"""One Jinja2 environment per locale over ``messages/templates``, translated with Babel.

Templates are written with ``{% trans %}`` blocks whose msgids are English; the catalogs in
``messages/locale/<locale>/LC_MESSAGES/messages.po`` translate them. The ``.po`` files are
compiled in memory at start-up, so there are no ``.mo`` files to forget to rebuild.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.i18n import SUPPORTED_LOCALES, normalize_locale
from bot.render import filters
from bot.render.memo import Memo, Unhashable, frozen


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
    """Renders ``messages/templates/<name>.html.j2`` in a given locale.

    Templates are compiled once and not re-read while the bot runs (``auto_reload`` off: no
    ``stat`` per message). Texts rendered again and again with the same values (button
    labels, the items of a digest) are remembered (``text``, ``repeated``): a template is a
    function of its values and the locale, so the same values give the same text.
    """

    def __init__(self, messages_dir: Path, locales: tuple[str, ...] = SUPPORTED_LOCALES) -> None:
        self.messages_dir = messages_dir
        self._envs: dict[str, Environment] = {}
        self._memo = Memo()
        for locale in locales:
            env = Environment(
                loader=FileSystemLoader(messages_dir / "templates"),
                auto_reload=False,
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

    def repeated(self, locale: str, name: str, /, **context: Any) -> str:
        """``render``, remembered for the same values: for a text rendered over and over (one
        item of a digest, posted to many groups and re-rendered on every press)."""
        return self._remembered("html", locale, name, context, self.render)

    def exists(self, filename: str) -> bool:
        """Whether ``messages/templates/<filename>`` exists."""
        return (self.messages_dir / "templates" / filename).is_file()

    def text(self, locale: str, name: str, /, **context: Any) -> str:
        """A plain-text message (button labels, poll texts): ``<name>.txt.j2``, not HTML-escaped."""
        return self._remembered("txt", locale, name, context, self._text)

    def _text(self, locale: str, name: str, /, **context: Any) -> str:
        template = self.env(locale).get_template(f"{name}.txt.j2")
        return " ".join(template.render(**context).split())

    def _remembered(
        self, kind: str, locale: str, name: str, context: dict[str, Any], render: Callable[..., str]
    ) -> str:
        try:
            key = (kind, locale, name, frozen(context))
        except Unhashable:  # e.g. an ORM row: rendered every time
            return render(locale, name, **context)
        return self._memo.get(key, lambda: render(locale, name, **context))

    def plain(self, locale: str, name: str, /, **context: Any) -> str:
        """A multi-line plain-text document (``<name>.txt.j2``), e.g. the demo's transcript frame."""
        return self.env(locale).get_template(f"{name}.txt.j2").render(**context).strip()

    def format_date(self, locale: str, value: dt.date) -> str:
        return str(self.env(locale).filters["date"](value))
