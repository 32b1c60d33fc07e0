"""Dates and text as the machine-read formats (sitemaps, Atom, JSON-LD) want them."""

import re
from datetime import datetime
from xml.sax.saxutils import escape

# Characters XML 1.0 forbids even escaped; a title pasted from elsewhere may carry one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def w3c_datetime(moment: datetime) -> str:
    """A stored (naive UTC) timestamp as W3C / RFC 3339 date-time: 2025-03-01T09:30:00Z."""
    return moment.replace(microsecond=0).isoformat() + "Z"


def xml_text(value: str) -> str:
    """Text safe inside an XML element or a double-quoted attribute."""
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})
