"""Page numbers from the query string, and the page a listing template receives."""

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from typing import Generic, TypeVar

from flask import abort, request
from flask_babel import gettext as _
from flask_babel import ngettext

T = TypeVar("T")
MAX_PAGE = 1_000_000


def requested_page() -> int:
    """The ?page= number; 400 when it is not a whole number from 1."""
    raw = request.args.get("page", "1")
    if not raw.isdecimal() or not 1 <= int(raw) <= MAX_PAGE:
        abort(400, _("The page number must be a whole number from 1."))
    return int(raw)


def page_count(total: int, per_page: int) -> int:
    return max(1, ceil(total / per_page))


def check_page_exists(number: int, pages: int) -> None:
    if number > pages:
        abort(404, ngettext("This listing has only %(num)d page.", "This listing has only %(num)d pages.", pages))


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages
