"""Which insights' figures a page shows, and when they are computed again.

Computing them reads the last twelve weeks of threads and replies: a few hundred milliseconds on a
forum of a million posts, too long for each page. They are computed once a day by `flask insights
compute` and stored in the database (`app.insights.snapshots`), where every worker of every host
reads them; each process also keeps the last figures it read. Figures younger than
INSIGHTS_FRESH_SECONDS are served as they are, from the process without a statement. Older but of
the same UTC day, the stored ones are served and computed again once the page has gone (once at a
time in a process), then stored for every worker. Of another day, or none stored (a forum without the
daily job), they are computed before the page and stored. The page says when they were computed."""

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, after_this_request, current_app
from sqlalchemy.exc import SQLAlchemyError

from app.clock import utcnow
from app.insights import snapshots
from app.insights.figures import Figures, compute

log = logging.getLogger(__name__)


class KeptFigures:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._figures: Figures | None = None
        self._refreshing = False

    def get(self, fresh_seconds: float, schedule_refresh: Callable[[], None]) -> Figures:
        now = utcnow()
        fresh = timedelta(seconds=fresh_seconds)
        with self._lock:
            figures = self._figures
        if figures is None or now - figures.computed_at >= fresh:
            stored = snapshots.newest()
            if stored is not None and (figures is None or stored.computed_at > figures.computed_at):
                figures = stored
        if figures is None or figures.computed_at.date() != now.date():
            return self.refresh(now)
        with self._lock:
            self._figures = figures
            if now - figures.computed_at >= fresh and not self._refreshing:
                self._refreshing = True
                schedule_refresh()
        return figures

    def refresh(self, now: datetime | None = None) -> Figures:
        """Compute the figures, store them for every worker and keep them; the same figures are
        served if they cannot be stored (a database that refuses writes)."""
        try:
            figures = compute(now or utcnow())
            try:
                snapshots.store(figures)
            except SQLAlchemyError:
                log.exception("could not store the insights; this process keeps them")
            with self._lock:
                self._figures = figures
            return figures
        finally:
            self._refreshing = False


def current_figures() -> Figures:
    app = current_app._get_current_object()
    kept: KeptFigures = app.extensions.setdefault("insights", KeptFigures())

    def after_the_response() -> None:
        @after_this_request
        def refresh_on_close(response):
            response.call_on_close(lambda: _refresh(app, kept))
            return response

    return kept.get(app.config["INSIGHTS_FRESH_SECONDS"], after_the_response)


def _refresh(app: Flask, kept: KeptFigures) -> None:
    try:
        with app.app_context():
            kept.refresh()
    except Exception:
        log.exception("could not compute the insights; the kept figures stay")
