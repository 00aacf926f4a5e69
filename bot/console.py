"""What ``safetybot`` says to the operator at the terminal, from ``messages/templates/cli/``.

Every message is a translated template rendered in ``BOT_LOCALE``, like what the bot says in
chats. Bad input (a date in the wrong form, a path that cannot be written, a database that
does not answer) is a :class:`CliError`: ``main`` prints it as one line on stderr naming what
is wrong and what is expected, and exits with status 2 -- never a traceback.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from pydantic import ValidationError

from bot.i18n import normalize_locale
from bot.paths import messages_dir
from bot.render import Renderer

EXIT_USAGE = 2


class CliError(Exception):
    """Bad command-line input or environment: a template (``cli/…``) and its values."""

    def __init__(self, template: str, /, **values: Any) -> None:
        super().__init__(template)
        self.template = template
        self.values = values


class Console:
    """Renders ``cli/*`` templates in one locale and writes them to stdout or stderr.

    The templates are read from the installed data (``bot.paths``), not ``MESSAGES_DIR``: a
    folder under test or a half-edited copy must not take the command line's own words away.
    """

    def __init__(
        self, locale: str | None, *, out: TextIO | None = None, err: TextIO | None = None
    ) -> None:
        self.locale = normalize_locale(locale)
        self._out, self._err = out, err
        self._renderer: Renderer | None = None

    @property
    def out(self) -> TextIO:
        return self._out or sys.stdout  # looked up late: tests swap sys.stdout

    @property
    def err(self) -> TextIO:
        return self._err or sys.stderr

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            self._renderer = Renderer(messages_dir(), locales=(self.locale,))
        return self._renderer

    def line(self, name: str, /, **values: Any) -> str:
        """The template ``name`` (``cli/…``, a ``.txt.j2``) as one line, whitespace folded."""
        return self.renderer.text(self.locale, name, **values)

    def lines(self, name: str, /, **values: Any) -> str:
        """The template ``name`` as a multi-line document (a table, a list)."""
        return self.renderer.plain(self.locale, name, **values)

    def say(self, name: str, /, **values: Any) -> None:
        print(self.line(name, **values), file=self.out)

    def warn(self, name: str, /, **values: Any) -> None:
        print(self.line(name, **values), file=self.err)

    def fail(self, error: CliError) -> int:
        """Print ``error`` as one line on stderr; the exit status of bad input."""
        print(f"safetybot: {self.line(error.template, **error.values)}", file=self.err)
        return EXIT_USAGE


def setting_errors(exc: ValidationError) -> list[CliError]:
    """One error per invalid setting, named as its environment variable."""
    return [
        CliError(
            "cli/setting", name=".".join(map(str, err["loc"])).upper() or "run", problem=err["msg"]
        )
        for err in exc.errors()
    ]
