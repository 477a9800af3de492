"""The launch monitor on real rows: hours since the launch, earlier launches, the surge alert."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.listening import launches
from touchbase.listening.choices import AlertKind
from touchbase.listening.models import Alert
from touchbase.listening.tests.factories import mention_about, mention_make, source_make

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
LAUNCH = NOW - dt.timedelta(hours=5, minutes=20)


@pytest.fixture
def source(workspace):
    return source_make(workspace, "Shop")


@pytest.fixture
def aurora(workspace):
    return product_save(product=Product(workspace=workspace, name="Aurora", launched_at=LAUNCH))


def about(product, source, sentiment, at, count=1):
    for _ in range(count):
        mention_about(product, source, sentiment=sentiment, published_at=at)


@pytest.fixture
def usual(source):
    """The 90 days before the launch: 100 mentions, 18 of them negative."""
    for number in range(100):
        sentiment = "negative" if number < 18 else "positive"
        text = f"Früher, Nummer {number}: ein ganz gewöhnlicher Kommentar zum Shop."
        published = LAUNCH - dt.timedelta(days=1 + number % 80)
        mention_make(source, text, sentiment=sentiment, published_at=published)


def test_mentions_are_counted_per_hour_since_the_launch_and_sentiment(workspace, source, aurora):
    other = product_save(product=Product(workspace=workspace, name="Boreas"))
    about(aurora, source, "positive", LAUNCH + dt.timedelta(minutes=5))
    about(aurora, source, "negative", LAUNCH + dt.timedelta(minutes=59))
    about(aurora, source, "neutral", LAUNCH + dt.timedelta(minutes=61))
    about(aurora, source, "negative", LAUNCH + dt.timedelta(hours=4, minutes=59), count=2)
    about(aurora, source, "negative", LAUNCH - dt.timedelta(minutes=1))  # before the launch
    about(other, source, "negative", LAUNCH + dt.timedelta(minutes=10))  # another product
    # when
    monitor = launches.launch_monitor(product=aurora, now=NOW)
    # then hour 0 starts at the launch, whatever the clock says
    assert len(monitor.hours) == 72
    assert [hour.hour for hour in monitor.elapsed] == [0, 1, 2, 3, 4, 5]
    counts = [(hour.negative, hour.neutral, hour.positive) for hour in monitor.elapsed]
    assert counts == [(1, 0, 1), (0, 1, 0), (0, 0, 0), (0, 0, 0), (2, 0, 0), (0, 0, 0)]
    assert monitor.hours[0].starts_at == LAUNCH
    assert (monitor.total, monitor.negative, monitor.is_live) == (5, 3, True)
    assert monitor.earlier_launches == 0
    assert monitor.hours[0].earlier_total is None


def test_earlier_launches_give_their_median_per_hour(workspace, source, aurora):
    for days, first_hour, second_hour in ((10, 1, 0), (20, 3, 2), (30, 10, 2)):
        launched = LAUNCH - dt.timedelta(days=days)
        earlier = product_save(product=Product(workspace=workspace, name=f"Früher {days}",
                                               launched_at=launched))  # fmt: skip
        about(earlier, source, "negative", launched + dt.timedelta(minutes=30), count=first_hour)
        about(earlier, source, "positive", launched + dt.timedelta(minutes=90), count=second_hour)
    later = product_save(product=Product(workspace=workspace, name="Später",
                                         launched_at=NOW + dt.timedelta(days=1)))  # fmt: skip
    about(later, source, "negative", NOW, count=1)
    # when
    monitor = launches.launch_monitor(product=aurora, now=NOW)
    # then the launches before this one count, not the one after
    assert monitor.earlier_launches == 3
    assert (monitor.hours[0].earlier_total, monitor.hours[0].earlier_negative) == (3, 3)
    assert (monitor.hours[1].earlier_total, monitor.hours[1].earlier_negative) == (2, 0)
    assert monitor.hours[71].earlier_total == 0


def test_a_few_negative_mentions_raise_no_alert(workspace, source, aurora, usual):
    # 3 of 3 negative is p = 0.006 against 18 %, but three mentions say little
    about(aurora, source, "negative", NOW - dt.timedelta(minutes=30), count=3)
    check = launches.surge_check(product=aurora, now=NOW)
    assert (check.negative, check.total, check.baseline_negative, check.baseline_total) == (
        3, 3, 18, 100)  # fmt: skip
    assert check.p_value < 0.01
    assert not check.is_significant
    assert launches.launch_alerts_check(workspace=workspace, now=NOW) == []
    assert not Alert.objects.exists()


def test_a_usual_share_of_negatives_raises_no_alert(workspace, source, aurora, usual):
    about(aurora, source, "negative", NOW - dt.timedelta(minutes=30), count=5)
    about(aurora, source, "positive", NOW - dt.timedelta(minutes=40), count=15)
    check = launches.surge_check(product=aurora, now=NOW)
    assert check.is_enough
    assert check.p_value > 0.1
    assert launches.launch_alerts_check(workspace=workspace, now=NOW) == []


def test_a_clear_surge_raises_the_alert_once_per_three_hours(workspace, source, aurora, usual):
    # given 12 of 20 mentions negative in the last 3 hours, and older ones outside the window
    about(aurora, source, "negative", NOW - dt.timedelta(minutes=20), count=12)
    about(aurora, source, "positive", NOW - dt.timedelta(hours=2), count=8)
    about(aurora, source, "positive", NOW - dt.timedelta(hours=4), count=30)
    # when the check runs twice in the same 3-hour block
    raised = launches.launch_alerts_check(workspace=workspace, now=NOW)
    again = launches.launch_alerts_check(workspace=workspace, now=NOW + dt.timedelta(minutes=30))
    # then one alert says by how much
    assert len(raised) == 1
    assert again == []
    alert = Alert.objects.get()
    assert (alert.kind, alert.product, alert.params["negative"], alert.params["total"]) == (
        AlertKind.LAUNCH_NEGATIVE, aurora, 12, 20)  # fmt: skip
    # scipy.stats.fisher_exact([[12, 8], [18, 82]], alternative="greater")
    assert alert.params["p_value"] == pytest.approx(0.000261252612252, rel=1e-8)
    assert (alert.params["share"], alert.params["usual"], alert.params["p"]) == (60, 18, 0.001)
    assert alert.message == (
        "The launch of Aurora is turning negative: 60 % of the mentions in the last 3 hours are "
        "negative (12 of 20), against 18 % usually (p ≤ 0.001)."
    )
    assert alert.mention.sentiment == "negative"
    # and the next 3-hour block may raise it again
    about(aurora, source, "negative", NOW + dt.timedelta(hours=1), count=12)
    later = launches.launch_alerts_check(
        workspace=workspace, now=NOW + dt.timedelta(hours=1, minutes=5)
    )
    assert len(later) == 1
    assert Alert.objects.count() == 2


def test_nothing_is_checked_before_or_after_the_first_72_hours(workspace, source, aurora, usual):
    about(aurora, source, "negative", LAUNCH + dt.timedelta(hours=71, minutes=30), count=20)
    assert launches.surge_check(product=aurora, now=LAUNCH - dt.timedelta(minutes=1)) is None
    assert launches.surge_check(product=aurora, now=LAUNCH + dt.timedelta(hours=72)) is None
    assert launches.launch_alerts_check(
        workspace=workspace, now=LAUNCH + dt.timedelta(hours=73)) == []  # fmt: skip
    assert launches.surge_check(
        product=aurora, now=LAUNCH + dt.timedelta(hours=71, minutes=59)).is_significant  # fmt: skip


def test_recent_launches_list_their_first_72_hours(workspace, source, aurora):
    about(aurora, source, "negative", LAUNCH + dt.timedelta(hours=1), count=2)
    about(aurora, source, "positive", LAUNCH + dt.timedelta(hours=2), count=2)
    about(aurora, source, "positive", LAUNCH + dt.timedelta(hours=80))  # after the 72 hours
    product_save(product=Product(workspace=workspace, name="Ohne Start"))
    summaries = launches.launch_list(workspace=workspace, now=NOW)
    rows = [(s.product.name, s.total, s.negative, s.negative_share, s.is_live) for s in summaries]
    assert rows == [("Aurora", 4, 2, 0.5, True)]


def test_the_usual_share_is_counted_again_after_an_hour_or_for_a_new_launch_time(
    source, aurora, usual
):
    assert launches.surge_check(product=aurora, now=NOW).baseline_total == 100
    for number in range(10):
        text = f"Spät eingelesen, Nummer {number}: ein Kommentar von vor dem Start."
        mention_make(source, text, sentiment="negative", published_at=LAUNCH - dt.timedelta(days=2))
    # within the hour the kept figure answers
    kept = launches.surge_check(product=aurora, now=NOW + dt.timedelta(minutes=30))
    assert (kept.baseline_total, kept.baseline_negative) == (100, 18)
    # an hour later it is counted again
    later = launches.surge_check(product=aurora, now=NOW + dt.timedelta(minutes=61))
    assert (later.baseline_total, later.baseline_negative) == (110, 28)
    # and a new launch time is counted at once
    aurora.launched_at = LAUNCH - dt.timedelta(days=1, hours=12)
    aurora.save()
    moved = launches.surge_check(product=aurora, now=NOW + dt.timedelta(minutes=62))
    assert (moved.baseline_total, moved.baseline_negative) == (108, 27)


def test_a_finished_launchs_hours_are_counted_again_after_an_hour(workspace, source, aurora):
    launched = LAUNCH - dt.timedelta(days=5)
    earlier = product_save(product=Product(workspace=workspace, name="Früher",
                                           launched_at=launched))  # fmt: skip
    about(earlier, source, "negative", launched + dt.timedelta(minutes=10), count=2)
    first = launches.launch_monitor(product=aurora, now=NOW)
    about(earlier, source, "negative", launched + dt.timedelta(minutes=20))
    kept = launches.launch_monitor(product=aurora, now=NOW + dt.timedelta(minutes=30))
    later = launches.launch_monitor(product=aurora, now=NOW + dt.timedelta(minutes=61))
    assert [m.hours[0].earlier_total for m in (first, kept, later)] == [2, 2, 3]
