"""The `datetime` and `date` template filters write exactly what flask_babel's format_datetime and
format_date write, in the reader's language and the site's timezone, however often they are asked."""

from datetime import UTC, date, datetime

import flask_babel
import pytest
import pytz
from flask import render_template_string

from app import dates

FORMATS = (None, "short", "medium", "long", "full", "EEEE d MMMM y, HH:mm zzzz")
DATE_FORMATS = (None, "short", "medium", "long", "full", "EEEE d MMMM y")
MOMENTS = (
    datetime(2024, 1, 15, 9, 5, 7),
    # Around the changes of summer time in Paris and New York, and a new year's eve turning in
    # the site's timezone.
    datetime(2024, 3, 10, 6, 59),
    datetime(2024, 3, 10, 7, 1),
    datetime(2024, 3, 31, 0, 59),
    datetime(2024, 3, 31, 1, 0),
    datetime(2024, 10, 27, 0, 30),
    datetime(2024, 10, 27, 1, 30),
    datetime(2024, 12, 31, 23, 30),
    datetime(2025, 6, 1, 12, 0, tzinfo=UTC),
    pytz.timezone("Asia/Tokyo").localize(datetime(2025, 6, 1, 8, 0)),
)


@pytest.fixture(params=["UTC", "Europe/Paris", "America/New_York"])
def app_config(request, app_config):
    """Every test of this module runs in each of these site timezones."""
    return {**app_config, "BABEL_DEFAULT_TIMEZONE": request.param}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_datetimes_read_as_flask_babel_writes_them(app, language):
    with app.test_request_context(headers={"Accept-Language": language}):
        for _ in range(2):  # the second time from what the formatters kept
            for moment in MOMENTS:
                for format in FORMATS:
                    assert dates.format_datetime(moment, format) == flask_babel.format_datetime(moment, format)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_dates_read_as_flask_babel_writes_them(app, language):
    with app.test_request_context(headers={"Accept-Language": language}):
        for _ in range(2):
            for moment in (*MOMENTS, date(2024, 2, 29)):
                for format in DATE_FORMATS:
                    assert dates.format_date(moment, format) == flask_babel.format_date(moment, format)


def test_templates_format_dates_in_the_reader_s_language(app):
    template = "{{ moment | datetime('short') }} · {{ moment | datetime }} · {{ moment | date('long') }}"
    moment = datetime(2024, 7, 14, 10, 30)
    seen = {}
    for language in ("fr", "en", "fr"):
        with app.test_request_context(headers={"Accept-Language": language}):
            flask_babel.refresh()  # the test's application context would keep the first request's language
            written = render_template_string(template, moment=moment)
            expected = " · ".join(
                (
                    flask_babel.format_datetime(moment, "short"),
                    flask_babel.format_datetime(moment),
                    flask_babel.format_date(moment, "long"),
                )
            )
            assert written == expected
            seen.setdefault(language, written)
            assert seen[language] == written
    assert "juillet" in seen["fr"] and "July" in seen["en"]
