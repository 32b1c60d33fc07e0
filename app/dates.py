"""The `datetime` and `date` template filters: what flask_babel's format_datetime and format_date
write, in the reader's language and the site's timezone, with the locale's patterns looked up once.

A thread page shows a date per post; flask_babel finds the locale's patterns again at each one,
through Babel's locale data, and formats it again at every view of the page. Here each formatter
is built once per language, format and timezone, and keeps the dates it wrote last."""

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from functools import lru_cache

from babel import Locale
from babel.dates import get_date_format, get_datetime_format, get_time_format, parse_pattern
from flask_babel import get_babel, get_locale, get_timezone
from pytz import UTC

NAMED_FORMATS = ("full", "long", "medium", "short")
# Dates kept per formatter: a few pages' worth for each worker.
DATES_KEPT = 4096


def format_datetime(value: datetime, format: str | None = None) -> str:
    return _datetime_formatter(get_locale(), _pattern_name("datetime", format), get_timezone())(value)


def format_date(value: date, format: str | None = None) -> str:
    return _date_formatter(get_locale(), _pattern_name("date", format), get_timezone())(value)


def _pattern_name(kind: str, format: str | None) -> str:
    """A named format or a pattern, from the application's Babel settings, as flask_babel reads them."""
    formats = get_babel().instance.date_formats
    if format is None:
        format = formats[kind]
    if format in NAMED_FORMATS:
        return formats[f"{kind}.{format}"] or format
    return format


def _in_zone(value: datetime, zone: tzinfo) -> datetime:
    """`value` (naive means UTC) in `zone`, as flask_babel's to_user_timezone converts it."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return zone.normalize(value.astimezone(zone))


@lru_cache(maxsize=64)
def _datetime_formatter(locale: Locale, format: str, zone: tzinfo) -> Callable[[datetime], str]:
    if format not in NAMED_FORMATS:
        pattern = parse_pattern(format)
        return lru_cache(maxsize=DATES_KEPT)(lambda value: pattern.apply(_in_zone(value, zone), locale))
    # Babel joins the locale's time and date patterns with its datetime pattern, quotes dropped.
    joined = get_datetime_format(format, locale=locale).replace("'", "")
    time_pattern = get_time_format(format, locale=locale)
    date_pattern = get_date_format(format, locale=locale)

    def formatted(value: datetime) -> str:
        moment = _in_zone(value, zone)
        time_text = time_pattern.apply(moment.timetz(), locale, reference_date=moment.date())
        return joined.replace("{0}", time_text).replace("{1}", date_pattern.apply(moment.date(), locale))

    return lru_cache(maxsize=DATES_KEPT)(formatted)


@lru_cache(maxsize=64)
def _date_formatter(locale: Locale, format: str, zone: tzinfo) -> Callable[[date], str]:
    pattern = get_date_format(format, locale=locale) if format in NAMED_FORMATS else parse_pattern(format)

    def formatted(value: date) -> str:
        if isinstance(value, datetime):
            value = _in_zone(value, zone).date()
        return pattern.apply(value, locale)

    return lru_cache(maxsize=DATES_KEPT)(formatted)
