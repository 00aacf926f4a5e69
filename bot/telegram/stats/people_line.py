"""The daily digest's people line: who is not to work in which role until renewed.

The dispatcher loads each digest's ``StandDown`` with the wave (``WaveViews``) and the
reminder presenter adds the line when someone stands down. A press on a digest re-renders it:
a digest that showed the line keeps it, as it stands then (one without gets none from a press,
like the hazards section).
"""

from __future__ import annotations

from markupsafe import Markup
from telegram import MaybeInaccessibleMessage, Message

from bot.render import Renderer
from bot.services.people.digest import StandDown

LINE_MARK = "🪪"  # heads the digest's people line; how a press knows a digest has one


def digest_line(renderer: Renderer, locale: str, summary: StandDown) -> Markup:
    """The line (remembered: digests naming the same people share it)."""
    text = renderer.repeated(
        locale, "people_figures/digest_line", mark=LINE_MARK, **summary.as_context()
    )
    return Markup(text)  # noqa: S704 - an autoescaping template's output


def has_people_line(message: MaybeInaccessibleMessage | None) -> bool:
    """Whether a digest message in the group shows the people line."""
    return isinstance(message, Message) and LINE_MARK in (message.text or "")
