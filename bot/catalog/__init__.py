"""The obligation catalog: sectors, source documents, duties and holidays from ``schedules/``."""

from bot.catalog.loader import Catalog, check_catalog, load_catalog

__all__ = ["Catalog", "check_catalog", "load_catalog"]
