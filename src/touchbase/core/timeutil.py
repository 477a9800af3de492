"""Dates in the workspace's time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from touchbase.core.choices import DigestFrequency

DIGEST_HOUR = 7


def local_today(zone: zoneinfo.ZoneInfo) -> dt.date:
    """Today's date where the workspace is."""
    return timezone.now().astimezone(zone).date()


def quarter_start(day: dt.date) -> dt.date:
    """First day of the calendar quarter holding the day."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def start_of_day(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Midnight at the start of the day, in the zone."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def next_digest_at(
    *, frequency: str, zone: zoneinfo.ZoneInfo, after: dt.datetime
) -> dt.datetime | None:
    """The next 07:00 local (daily) or Monday 07:00 local (weekly) strictly after the moment."""
    if frequency == DigestFrequency.OFF:
        return None
    local = after.astimezone(zone)
    candidate = dt.datetime.combine(local.date(), dt.time(DIGEST_HOUR), tzinfo=zone)
    if candidate <= local:
        candidate += dt.timedelta(days=1)
    if frequency == DigestFrequency.WEEKLY:
        candidate += dt.timedelta(days=(7 - candidate.weekday()) % 7)
    return candidate
