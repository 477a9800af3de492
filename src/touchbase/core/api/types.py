"""Field types for API input that the databases can store whatever the client sends."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator


def _utc(value: dt.datetime) -> dt.datetime:
    """An instant in UTC: ISO 8601 allows offsets up to ±23:59, PostgreSQL only ±15:59."""
    if value.tzinfo is None:
        return value  # Django reads it in the active time zone
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as error:
        raise ValueError("The time is outside the range a date can have.") from error


Instant = Annotated[dt.datetime, AfterValidator(_utc)]
