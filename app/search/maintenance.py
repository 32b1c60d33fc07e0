"""Rebuilding the search from the database, and checking it against the database."""

from app.search import backends
from app.search.interface import Report


def rebuild() -> int:
    """Build the search again from the database while it serves; returns how many posts it holds."""
    return backends.current().rebuild()


def check() -> Report:
    """Compare every post with what the search holds for it."""
    return backends.current().check()


def exists() -> bool:
    return backends.current().exists()
