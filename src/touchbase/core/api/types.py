"""Field types for API input that the databases can store whatever the client sends."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils import timezone
from pydantic import AfterValidator


def _utc(value: dt.datetime) -> dt.datetime:
    """An instant in UTC: ISO 8601 allows offsets up to ±23:59, PostgreSQL only ±15:59.

    A time without an offset is read in the active time zone, as Django would read it; the
    first hours of year 1 then fall before the range a date can have, which is the client's
    error (422), not the server's.
    """
    try:
        if value.tzinfo is None:
            value = timezone.make_aware(value)
        return value.astimezone(dt.UTC)
    except OverflowError as error:
        raise ValueError("The time is outside the range a date can have.") from error


Instant = Annotated[dt.datetime, AfterValidator(_utc)]
