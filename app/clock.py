from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time as naive UTC, the form every timestamp column stores on every database."""
    return datetime.now(UTC).replace(tzinfo=None)
