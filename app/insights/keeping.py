"""The insights' figures, kept in the process that computed them.

Computing them reads the last twelve weeks of threads and replies: a second or more on a forum of a
million posts, too long for each page. A process keeps the last figures it computed. Younger than
INSIGHTS_FRESH_SECONDS, they are served as they are; older but of the same UTC day, they are served
once more and computed again after that page has gone, once at a time; of another day (or none
yet), they are computed before the page. Each process keeps its own: a few kilobytes, and figures
that may differ between processes by a few minutes, which the page says ("computed at")."""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, after_this_request, current_app

from app.clock import utcnow
from app.insights.figures import Figures, compute

log = logging.getLogger(__name__)


@dataclass
class Kept:
    figures: Figures
    monotonic: float


class KeptFigures:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: Kept | None = None
        self._refreshing = False

    def get(self, fresh_seconds: float, schedule_refresh: Callable[[], None]) -> Figures:
        now = utcnow()
        with self._lock:
            kept = self._kept
            if kept is not None and kept.figures.computed_at.date() == now.date():
                if time.monotonic() - kept.monotonic >= fresh_seconds and not self._refreshing:
                    self._refreshing = True
                    schedule_refresh()
                return kept.figures
        return self.refresh(now)

    def refresh(self, now=None) -> Figures:
        try:
            figures = compute(now or utcnow())
            with self._lock:
                self._kept = Kept(figures, time.monotonic())
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
