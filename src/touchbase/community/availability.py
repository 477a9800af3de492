"""When a helper is free: weekly wall-clock windows, minus holidays and booked hours, in UTC.

A helper's weekly availability is wall-clock time in their own time zone, so "Tuesday 18:00 to
20:00" is 17:00–19:00 UTC in winter and 16:00–18:00 UTC in summer in Europe/Berlin. An end at or
before the start runs past midnight into the next day (22:00–02:00; 18:00–18:00 is a whole day).

Local times that do not exist or exist twice on the night of a daylight-saving change:
- a time in the spring gap (02:30 on the last Sunday of March in Berlin) moves forward by the
  gap, to 03:30 summer time — the way a wall clock that was not changed would read it;
- a time that happens twice (02:30 on the last Sunday of October) starts at its first and ends at
  its second occurrence, so the window is never shorter than the helper meant.

Internally every instant is a whole UTC hour counted from the epoch ("epoch hours"): a slot is a
run of consecutive free hours, which makes the matching over thousands of helpers a matter of
integer ranges. `HelperCalendar` is what one helper contributes, built once per helper and
reused for every window and request (see matching and assignment).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from touchbase.community.models import Availability, Helper, Holiday

UTC = dt.UTC
HOUR_SECONDS = 3600
Span = tuple[int, int]  # [first epoch hour, end epoch hour)


def hours_needed(hours: Decimal | float | int) -> int:
    """How many whole hours a job of `hours` blocks (at least one)."""
    return max(1, math.ceil(Decimal(str(hours))))


def epoch_hour(moment: dt.datetime) -> int:
    """The UTC hour that holds `moment` (floor)."""
    return math.floor(moment.timestamp() / HOUR_SECONDS)


def epoch_hour_ceil(moment: dt.datetime) -> int:
    """The first whole UTC hour at or after `moment`."""
    return math.ceil(moment.timestamp() / HOUR_SECONDS)


def hour_datetime(hour: int) -> dt.datetime:
    """The aware UTC datetime where epoch hour `hour` starts."""
    return dt.datetime.fromtimestamp(hour * HOUR_SECONDS, tz=UTC)


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _local_to_utc(local: dt.datetime, zone: ZoneInfo, *, late: bool) -> dt.datetime:
    """A naive wall-clock time in `zone` as UTC; gaps move forward, repeats pick first/last."""
    first = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first <= second:  # the usual case (equal) or a repeated hour (first is earlier)
        return second if late else first
    # In a gap fold=0 reads the time with the offset before the change: forward by the gap.
    return first


@lru_cache(maxsize=65536)
def _window_span(zone_name: str, day: dt.date, starts: dt.time, ends: dt.time) -> Span:
    """The whole UTC hours inside the weekly window starting on local `day` (cached: shared)."""
    zone = _zone(zone_name)
    end_day = day + dt.timedelta(days=1) if ends <= starts else day
    begin = _local_to_utc(dt.datetime.combine(day, starts), zone, late=False)
    end = _local_to_utc(dt.datetime.combine(end_day, ends), zone, late=True)
    return epoch_hour_ceil(begin), epoch_hour(end)


@lru_cache(maxsize=65536)
def _local_day(zone_name: str, hour: int) -> dt.date:
    return dt.datetime.fromtimestamp(hour * HOUR_SECONDS, tz=_zone(zone_name)).date()


@lru_cache(maxsize=65536)
def _day_start_hour(zone_name: str, day: dt.date) -> int:
    """The epoch hour of local midnight (or the first hour after it if midnight is skipped)."""
    return epoch_hour_ceil(_local_to_utc(dt.datetime.combine(day, dt.time()), _zone(zone_name),
                                         late=False))  # fmt: skip


@dataclass(frozen=True, slots=True)
class HelperCalendar:
    """One helper's week (by weekday, wall-clock) and holidays (as epoch-hour spans)."""

    time_zone: str
    weekly: tuple[tuple[tuple[dt.time, dt.time], ...], ...]  # 7 weekdays, Monday first
    holidays: tuple[Span, ...]

    @classmethod
    def build(
        cls,
        time_zone: str,
        availability: Iterable[tuple[int, dt.time, dt.time]],
        holidays: Iterable[tuple[dt.date, dt.date]] = (),
    ) -> HelperCalendar:
        """From (weekday, starts, ends) rows and (first_day, last_day) holidays (inclusive)."""
        days: list[list[tuple[dt.time, dt.time]]] = [[] for _ in range(7)]
        for weekday, starts, ends in availability:
            days[weekday].append((starts, ends))
        spans = tuple(
            sorted(
                (_day_start_hour(time_zone, first),
                 _day_start_hour(time_zone, last + dt.timedelta(days=1)))
                for first, last in holidays
            )
        )  # fmt: skip
        return cls(time_zone, tuple(tuple(sorted(day)) for day in days), spans)

    @classmethod
    def of(cls, helper: Helper) -> HelperCalendar:
        """A helper's calendar from its rows (uses prefetched availability/holidays if any)."""
        return cls.build(
            helper.time_zone,
            [(row.weekday, row.starts, row.ends) for row in helper.availability.all()],
            [(row.first_day, row.last_day) for row in helper.holidays.all()],
        )

    def open_spans(self, first: int, end: int) -> list[Span]:
        """Merged spans of weekly availability within [first, end), holidays taken out."""
        if end <= first or not any(self.weekly):
            return []
        # A window that starts the day before can run past midnight into `first`.
        day = _local_day(self.time_zone, first) - dt.timedelta(days=1)
        last_day = _local_day(self.time_zone, end)
        spans: list[Span] = []
        while day <= last_day:
            for starts, ends in self.weekly[day.weekday()]:
                begin, finish = _window_span(self.time_zone, day, starts, ends)
                begin, finish = max(begin, first), min(finish, end)
                if begin < finish:
                    spans.append((begin, finish))
            day += dt.timedelta(days=1)
        return _subtract(merge_spans(spans), self.holidays)

    def free_spans(self, first: int, end: int, busy: Iterable[int] = ()) -> list[Span]:
        """Hours within [first, end) the helper is free: open, no holiday, not busy."""
        return _subtract(self.open_spans(first, end), [(hour, hour + 1) for hour in sorted(busy)])

    def slot_starts(
        self, windows: Sequence[Span], length: int, busy: Iterable[int] = ()
    ) -> Iterator[int]:
        """Epoch hours where `length` free hours begin inside the windows, earliest first.

        `windows` are epoch-hour spans; they are merged first, so no start repeats."""
        merged = merge_spans(list(windows))
        if not merged:
            return iter(())
        free = self.free_spans(merged[0][0], merged[-1][1], busy)
        return starts_within(free, merged, length)


def _span_start(span: Span) -> int:
    return span[0]


def starts_within(free: Sequence[Span], windows: Sequence[Span], length: int) -> Iterator[int]:
    """Starts of `length` hours inside both a free span and a window (both sorted, disjoint)."""
    for first, end in windows:
        position = max(0, bisect.bisect_right(free, first, key=_span_start) - 1)
        while position < len(free) and free[position][0] < end:
            begin, finish = max(free[position][0], first), min(free[position][1], end)
            if finish - begin >= length:
                yield from range(begin, finish - length + 1)
            position += 1


def merge_spans(spans: list[Span]) -> list[Span]:
    """Spans sorted, overlapping or touching ones joined."""
    spans.sort()
    merged: list[Span] = []
    for begin, end in spans:
        if merged and begin <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((begin, end))
    return merged


def _subtract(spans: list[Span], holes: Sequence[Span]) -> list[Span]:
    if not holes or not spans:
        return spans
    result: list[Span] = []
    for begin, end in spans:
        for hole_begin, hole_end in holes:
            if hole_end <= begin or hole_begin >= end:
                continue
            if hole_begin > begin:
                result.append((begin, hole_begin))
            begin = max(begin, hole_end)
            if begin >= end:
                break
        if begin < end:
            result.append((begin, end))
    return result


def window_spans(windows: Iterable[tuple[dt.datetime, dt.datetime]]) -> list[Span]:
    """Customer windows as epoch-hour spans: whole hours only (starts rounded up, ends down)."""
    spans = [(epoch_hour_ceil(begin), epoch_hour(end)) for begin, end in windows]
    return [(begin, end) for begin, end in spans if begin < end]


def free_slots(
    helper: Helper | HelperCalendar,
    windows: list[tuple[dt.datetime, dt.datetime]],
    hours: Decimal | float,
    *,
    busy_hours: set[dt.datetime],
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Every slot the helper could take: UTC (start, end) on whole hours, earliest first.

    A slot lasts ceil(hours) hours and lies inside one of the customer's windows, inside the
    helper's weekly availability (adjacent windows join), on no holiday and on no busy hour
    (the hours of the helper's bookings: the BookedHour rows)."""
    calendar = helper if isinstance(helper, HelperCalendar) else HelperCalendar.of(helper)
    length = hours_needed(hours)
    busy = {epoch_hour(moment) for moment in busy_hours}
    return [
        (hour_datetime(start), hour_datetime(start + length))
        for start in calendar.slot_starts(window_spans(windows), length, busy)
    ]


def calendars_for(helper_ids: Sequence[int]) -> dict[int, HelperCalendar]:
    """Calendars of many helpers in three queries (helpers, availability, holidays)."""
    if not helper_ids:
        return {}
    zones = dict(Helper.objects.filter(pk__in=helper_ids).values_list("pk", "time_zone"))
    return calendars_from(zones)


def calendars_from(
    zones: dict[int, str], *, today: dt.date | None = None
) -> dict[int, HelperCalendar]:
    """Calendars for helpers whose time zones are known: two grouped queries.

    Holidays that ended before `today` (minus a day for time zones) are skipped."""
    rows: dict[int, list[tuple[int, dt.time, dt.time]]] = {pk: [] for pk in zones}
    for helper_id, weekday, starts, ends in Availability.objects.filter(
        helper_id__in=list(zones)
    ).values_list("helper_id", "weekday", "starts", "ends"):
        rows[helper_id].append((weekday, starts, ends))
    holidays: dict[int, list[tuple[dt.date, dt.date]]] = {pk: [] for pk in zones}
    holiday_rows = Holiday.objects.filter(helper_id__in=list(zones))
    if today is not None:
        holiday_rows = holiday_rows.filter(last_day__gte=today - dt.timedelta(days=1))
    for helper_id, first, last in holiday_rows.values_list("helper_id", "first_day", "last_day"):
        holidays[helper_id].append((first, last))
    return {pk: HelperCalendar.build(zone, rows[pk], holidays[pk]) for pk, zone in zones.items()}
