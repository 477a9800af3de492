"""Free slots: weekly wall-clock windows in the helper's zone, holidays, booked hours, UTC."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from touchbase.community.availability import HelperCalendar, free_slots
from touchbase.community.tests.factories import make_helper, make_skill, utc

BERLIN = "Europe/Berlin"
MONDAY, FRIDAY, SATURDAY, SUNDAY = 0, 4, 5, 6
EVENING = [(weekday, dt.time(18), dt.time(20)) for weekday in range(7)]


def calendar(rows, *, zone=BERLIN, holidays=()):
    return HelperCalendar.build(zone, rows, holidays)


def starts(slots):
    return [(begin.hour, (end - begin).total_seconds() / 3600) for begin, end in slots]


def test_an_evening_in_winter_is_an_hour_behind_in_utc():
    slots = free_slots(calendar(EVENING), [(utc(2026, 1, 10, 0), utc(2026, 1, 11, 0))], 1,
                       busy_hours=set())  # fmt: skip
    assert slots == [(utc(2026, 1, 10, 17), utc(2026, 1, 10, 18)),
                     (utc(2026, 1, 10, 18), utc(2026, 1, 10, 19))]  # fmt: skip


def test_the_evening_stays_at_18_local_across_the_spring_switch():
    # Berlin moves to summer time on Sunday 29 March 2026, 02:00 → 03:00.
    window = [(utc(2026, 3, 28, 0), utc(2026, 3, 30, 0))]
    slots = free_slots(calendar(EVENING), window, 2, busy_hours=set())
    assert slots == [(utc(2026, 3, 28, 17), utc(2026, 3, 28, 19)),
                     (utc(2026, 3, 29, 16), utc(2026, 3, 29, 18))]  # fmt: skip


def test_the_evening_stays_at_18_local_across_the_autumn_switch():
    # Berlin returns to winter time on Sunday 25 October 2026, 03:00 → 02:00.
    window = [(utc(2026, 10, 24, 0), utc(2026, 10, 26, 0))]
    slots = free_slots(calendar(EVENING), window, 2, busy_hours=set())
    assert slots == [(utc(2026, 10, 24, 16), utc(2026, 10, 24, 18)),
                     (utc(2026, 10, 25, 17), utc(2026, 10, 25, 19))]  # fmt: skip


def test_a_window_starting_in_the_spring_gap_starts_when_the_clocks_jump():
    # 02:00–05:00 local on the switch night: 02:00 does not exist, so 03:00 summer time
    # (01:00 UTC) until 05:00 (03:00 UTC) — two hours, not three.
    night = calendar([(SUNDAY, dt.time(2), dt.time(5))])
    slots = free_slots(night, [(utc(2026, 3, 28, 0), utc(2026, 3, 30, 0))], 1, busy_hours=set())
    assert slots == [(utc(2026, 3, 29, 1), utc(2026, 3, 29, 2)),
                     (utc(2026, 3, 29, 2), utc(2026, 3, 29, 3))]  # fmt: skip


def test_a_window_over_the_repeated_hour_in_autumn_is_an_hour_longer():
    # 01:00–03:00 local on 25 October 2026: 01:00 summer time (23:00 UTC) until 03:00 winter
    # time (02:00 UTC) — three hours; each one-hour slot once.
    night = calendar([(SUNDAY, dt.time(1), dt.time(3))])
    slots = free_slots(night, [(utc(2026, 10, 24, 0), utc(2026, 10, 26, 0))], 3, busy_hours=set())
    assert slots == [(utc(2026, 10, 24, 23), utc(2026, 10, 25, 2))]


def test_a_window_across_midnight_runs_into_the_next_day():
    # Friday 22:00–02:00 in winter is 21:00–01:00 UTC; the customer wants Saturday night.
    late = calendar([(FRIDAY, dt.time(22), dt.time(2))])
    saturday_night = [(utc(2026, 1, 10, 0), utc(2026, 1, 10, 6))]
    assert starts(free_slots(late, saturday_night, 1, busy_hours=set())) == [(0, 1.0)]
    whole = [(utc(2026, 1, 9, 0), utc(2026, 1, 11, 0))]
    assert starts(free_slots(late, whole, 4, busy_hours=set())) == [(21, 4.0)]


def test_an_end_equal_to_the_start_is_a_whole_day():
    day = calendar([(MONDAY, dt.time(6), dt.time(6))])
    slots = free_slots(day, [(utc(2026, 1, 12, 0), utc(2026, 1, 14, 0))], 24, busy_hours=set())
    assert slots == [(utc(2026, 1, 12, 5), utc(2026, 1, 13, 5))]


def test_the_helpers_own_time_zone_counts():
    morning = [(MONDAY, dt.time(9), dt.time(10))]
    week = [(utc(2026, 1, 11, 0), utc(2026, 1, 14, 0))]
    new_york = free_slots(calendar(morning, zone="America/New_York"), week, 1, busy_hours=set())
    tokyo = free_slots(calendar(morning, zone="Asia/Tokyo"), week, 1, busy_hours=set())
    assert new_york == [(utc(2026, 1, 12, 14), utc(2026, 1, 12, 15))]
    assert tokyo == [(utc(2026, 1, 12, 0), utc(2026, 1, 12, 1))]


def test_no_slot_on_a_holiday_in_the_helpers_zone_both_days_included():
    nights = calendar([(weekday, dt.time(0), dt.time(3)) for weekday in range(7)],
                      holidays=[(dt.date(2026, 1, 10), dt.date(2026, 1, 11))])  # fmt: skip
    window = [(utc(2026, 1, 8, 0), utc(2026, 1, 13, 0))]
    # Local nights of 9, 12 January remain (00:00–03:00 Berlin is 23:00–02:00 UTC the day before).
    assert free_slots(nights, window, 3, busy_hours=set()) == [
        (utc(2026, 1, 8, 23), utc(2026, 1, 9, 2)),
        (utc(2026, 1, 11, 23), utc(2026, 1, 12, 2)),
    ]


def test_booked_hours_are_not_free_and_a_job_needs_consecutive_hours():
    day = calendar([(MONDAY, dt.time(8), dt.time(20))])
    window = [(utc(2026, 1, 12, 9), utc(2026, 1, 12, 12))]
    busy = {utc(2026, 1, 12, 10)}
    assert free_slots(day, window, 2, busy_hours=busy) == []
    assert starts(free_slots(day, window, 1, busy_hours=busy)) == [(9, 1.0), (11, 1.0)]


def test_slots_start_on_whole_hours_and_last_the_hours_rounded_up():
    day = calendar([(MONDAY, dt.time(8), dt.time(20))])
    window = [(utc(2026, 1, 12, 9, 30), utc(2026, 1, 12, 13, 45))]
    assert starts(free_slots(day, window, Decimal("1.5"), busy_hours=set())) == [
        (10, 2.0), (11, 2.0)]  # fmt: skip


def test_overlapping_windows_give_each_slot_once():
    day = calendar([(MONDAY, dt.time(8), dt.time(20))])
    windows = [(utc(2026, 1, 12, 9), utc(2026, 1, 12, 11)), (utc(2026, 1, 12, 10),
               utc(2026, 1, 12, 12))]  # fmt: skip
    assert starts(free_slots(day, windows, 1, busy_hours=set())) == [(9, 1.0), (10, 1.0),
                                                                     (11, 1.0)]  # fmt: skip


def test_adjacent_weekly_windows_join():
    day = calendar([(MONDAY, dt.time(9), dt.time(11)), (MONDAY, dt.time(11), dt.time(13))])
    window = [(utc(2026, 1, 12, 0), utc(2026, 1, 13, 0))]
    assert starts(free_slots(day, window, 4, busy_hours=set())) == [(8, 4.0)]


@pytest.mark.django_db
def test_free_slots_reads_a_helpers_rows(workspace):
    helper = make_helper(workspace, skills=[make_skill(workspace)],
                         availability=[(SATURDAY, "18:00", "20:00")],
                         holidays=[(dt.date(2026, 1, 17), dt.date(2026, 1, 17))])  # fmt: skip
    two_weeks = [(utc(2026, 1, 9, 0), utc(2026, 1, 19, 0))]
    assert starts(free_slots(helper, two_weeks, 2, busy_hours=set())) == [(17, 2.0)]
    assert free_slots(helper, two_weeks, 2, busy_hours=set())[0][0] == utc(2026, 1, 10, 17)
