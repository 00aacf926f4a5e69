"""Rendering of every user-facing text: Jinja2 templates in ``messages/`` with Babel catalogs."""

from bot.render.env import Renderer

__all__ = ["Renderer"]
