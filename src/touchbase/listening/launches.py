"""The launch monitor: a product's first 72 hours, hour by hour, and the early alert.

Hour n of a launch runs from launch + n hours to launch + n + 1 hours, whatever the clock
says. Earlier launches are the workspace's (up to) ten launches before this one; for each
hour their median is shown beside this launch.

The alert (`launch_alerts_check`): in the last 3 hours of a launch's first 72, is the share of
negative mentions about the product higher than the workspace's share over the 90 days
before the launch? statistics.surge_p_value answers (one-sided Fisher exact test); below
p = 0.01, with at least 10 mentions of which at least 5 negative in the window, an alert is
raised, at most one per 3-hour block of the launch.

The usual share and a finished launch's hours barely move, and counting them takes seconds
in a big workspace: they are kept in LaunchFigures and counted again after an hour.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics as stats
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, DateTimeField, DurationField, F, Q, QuerySet, Value
from django.db.models.expressions import Combinable, ExpressionWrapper
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import formats, timezone

from touchbase.catalogue.models import Product
from touchbase.core.models import Workspace
from touchbase.listening.alerting import alert_raise
from touchbase.listening.choices import AlertKind, MentionSentiment
from touchbase.listening.models import (
    Alert,
    LaunchFigures,
    Mention,
    MentionProduct,
)
from touchbase.listening.statistics import surge_p_value

LAUNCH_HOURS = 72
WINDOW_HOURS = 3
BASELINE_DAYS = 90
EARLIER_LAUNCHES = 10
RECENT_LAUNCHES = 20
SURGE_P = 0.01
MIN_WINDOW_MENTIONS = 10
MIN_WINDOW_NEGATIVE = 5
HOUR = dt.timedelta(hours=1)
FIGURES_KEPT = HOUR


@dataclass
class HourFigures:
    """Mentions about the product in one hour of its launch, by sentiment."""

    hour: int
    starts_at: dt.datetime
    negative: int = 0
    neutral: int = 0
    positive: int = 0
    # Mentions the analyser gave no sentiment.
    other: int = 0
    is_future: bool = False
    earlier_total: float | None = None
    earlier_negative: float | None = None

    @property
    def total(self) -> int:
        return self.negative + self.neutral + self.positive + self.other

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.total if self.total else None


@dataclass
class SurgeCheck:
    """The last 3 hours against the workspace's usual negative share."""

    window_start: dt.datetime
    window_end: dt.datetime
    window: int
    total: int
    negative: int
    baseline_total: int
    baseline_negative: int
    p_value: float

    @property
    def share(self) -> float | None:
        return self.negative / self.total if self.total else None

    @property
    def usual_share(self) -> float | None:
        return self.baseline_negative / self.baseline_total if self.baseline_total else None

    @property
    def p_value_text(self) -> str:
        return p_value_text(self.p_value)

    @property
    def is_enough(self) -> bool:
        return self.total >= MIN_WINDOW_MENTIONS and self.negative >= MIN_WINDOW_NEGATIVE

    @property
    def is_significant(self) -> bool:
        return self.is_enough and self.p_value < SURGE_P


@dataclass
class LaunchMonitor:
    product: Product
    launched_at: dt.datetime
    now: dt.datetime
    hours: list[HourFigures]
    earlier_launches: int
    check: SurgeCheck | None
    alerts: list[Alert] = field(default_factory=list)

    @property
    def ends_at(self) -> dt.datetime:
        return self.launched_at + LAUNCH_HOURS * HOUR

    @property
    def is_upcoming(self) -> bool:
        return self.now < self.launched_at

    @property
    def is_live(self) -> bool:
        return self.launched_at <= self.now < self.ends_at

    @property
    def elapsed(self) -> list[HourFigures]:
        return [hour for hour in self.hours if not hour.is_future]

    @property
    def total(self) -> int:
        return sum(hour.total for hour in self.hours)

    @property
    def negative(self) -> int:
        return sum(hour.negative for hour in self.hours)


@dataclass
class LaunchSummary:
    product: Product
    now: dt.datetime
    total: int
    negative: int
    alerts: int

    @property
    def launched_at(self) -> dt.datetime:
        assert self.product.launched_at is not None
        return self.product.launched_at

    @property
    def is_upcoming(self) -> bool:
        return self.now < self.launched_at

    @property
    def is_live(self) -> bool:
        return self.launched_at <= self.now < self.launched_at + LAUNCH_HOURS * HOUR

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.total if self.total else None


def _analysed(product: Product) -> Q:
    return Q(product=product, mention__analysed_at__isnull=False)


def _hourly(product: Product, launched_at: dt.datetime, hours: int) -> dict[int, dict[str, int]]:
    """Counts per hour since the launch and sentiment, grouped by the database.

    The database truncates to clock hours; shifting every moment back by the launch's minutes
    past the hour makes clock hours line up with hours since the launch.
    """
    floor = launched_at.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    shift = launched_at - floor
    moment: Combinable = F("mention__published_at")
    if shift:
        moment = ExpressionWrapper(
            F("mention__published_at") - Value(shift, output_field=DurationField()),
            output_field=DateTimeField(),
        )
    rows = (
        MentionProduct.objects.filter(
            _analysed(product),
            mention__published_at__gte=launched_at,
            mention__published_at__lt=launched_at + hours * HOUR,
        )
        .annotate(clock_hour=TruncHour(moment, tzinfo=dt.UTC))
        .values("clock_hour", "mention__sentiment")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        hour = round((row["clock_hour"] - floor) / HOUR)
        counts[hour][row["mention__sentiment"]] = row["count"]
    return counts


def _hours_done(launched_at: dt.datetime, now: dt.datetime) -> int:
    """Completed hours of a launch, 0 to 72."""
    return max(0, min(LAUNCH_HOURS, int((now - launched_at) / HOUR)))


def launch_monitor(*, product: Product, now: dt.datetime | None = None) -> LaunchMonitor:
    """This launch's 72 hours beside the median of earlier launches, and the alert state."""
    now = now or timezone.now()
    launched_at = product.launched_at
    if launched_at is None:
        raise ValueError("The product has no launch.")
    counts = _hourly(product, launched_at, LAUNCH_HOURS)
    hours = []
    for number in range(LAUNCH_HOURS):
        found = counts.get(number, {})
        starts_at = launched_at + number * HOUR
        hours.append(HourFigures(
            hour=number, starts_at=starts_at, is_future=starts_at > now,
            negative=found.get(MentionSentiment.NEGATIVE, 0),
            neutral=found.get(MentionSentiment.NEUTRAL, 0),
            positive=found.get(MentionSentiment.POSITIVE, 0),
            other=sum(n for key, n in found.items() if key not in MentionSentiment.values),
        ))  # fmt: skip
    earlier = _earlier_medians(product, launched_at, now, hours)
    alerts = Alert.objects.filter(product=product, kind=AlertKind.LAUNCH_NEGATIVE)
    return LaunchMonitor(
        product=product, launched_at=launched_at, now=now, hours=hours, earlier_launches=earlier,
        check=surge_check(product=product, now=now), alerts=list(alerts.order_by("-created_at")),
    )  # fmt: skip


def _earlier_medians(
    product: Product, launched_at: dt.datetime, now: dt.datetime, hours: list[HourFigures]
) -> int:
    """Fill in each hour's median over earlier launches; returns how many launches there were."""
    earlier = (
        Product.objects.filter(workspace=product.workspace, launched_at__lt=launched_at)
        .exclude(pk=product.pk)
        .order_by("-launched_at")[:EARLIER_LAUNCHES]
    )
    series = []
    for other in earlier:
        assert other.launched_at is not None
        done = _hours_done(other.launched_at, now)
        if done == LAUNCH_HOURS:
            series.append((done, _finished_hours(other, other.launched_at, now)))
        else:
            series.append((done, _hourly(other, other.launched_at, done)))
    for hour in hours:
        known = [counts.get(hour.hour, {}) for done, counts in series if hour.hour < done]
        if known:
            hour.earlier_total = stats.median(sum(found.values()) for found in known)
            hour.earlier_negative = stats.median(
                found.get(MentionSentiment.NEGATIVE, 0) for found in known
            )
    return len(series)


def _totals(rows: QuerySet[Any], sentiment: str) -> tuple[int, int]:
    """How many rows, and how many of them negative (`sentiment` names the field)."""
    negative = Q(**{sentiment: MentionSentiment.NEGATIVE})
    figures = rows.aggregate(total=Count("id"), negative=Count("id", filter=negative))
    return figures["total"], figures["negative"]


def _kept(product: Product, launched_at: dt.datetime) -> LaunchFigures | None:
    return LaunchFigures.objects.filter(product=product, launched_at=launched_at).first()


def _fresh(counted_at: dt.datetime | None, now: dt.datetime) -> bool:
    return counted_at is not None and now - FIGURES_KEPT < counted_at <= now


def _keep(product: Product, launched_at: dt.datetime, **figures: Any) -> None:
    """Store figures of this launch; a product with a new launch time starts afresh."""
    kept = _kept(product, launched_at)
    try:
        with transaction.atomic():
            if kept is None:
                LaunchFigures.objects.update_or_create(
                    product=product,
                    defaults={"workspace": product.workspace, "launched_at": launched_at,
                              "usual_counted_at": None, "hours_counted_at": None, **figures},
                )  # fmt: skip
            else:
                LaunchFigures.objects.filter(pk=kept.pk).update(**figures)
    except IntegrityError:
        pass  # another worker kept the same figures a moment ago


def _baseline(product: Product, launched_at: dt.datetime, now: dt.datetime) -> tuple[int, int]:
    """The workspace's analysed mentions in the 90 days before the launch: all, negative."""
    kept = _kept(product, launched_at)
    if kept is not None and _fresh(kept.usual_counted_at, now):
        return kept.usual_total, kept.usual_negative
    mentions = Mention.objects.filter(
        workspace=product.workspace, analysed_at__isnull=False,
        published_at__gte=launched_at - dt.timedelta(days=BASELINE_DAYS),
        published_at__lt=launched_at,
    )  # fmt: skip
    total, negative = _totals(mentions, "sentiment")
    _keep(product, launched_at, usual_total=total, usual_negative=negative, usual_counted_at=now)
    return total, negative


def _finished_hours(
    product: Product, launched_at: dt.datetime, now: dt.datetime
) -> dict[int, dict[str, int]]:
    """The hourly counts of a launch whose 72 hours are over (kept for an hour)."""
    kept = _kept(product, launched_at)
    if kept is not None and _fresh(kept.hours_counted_at, now):
        return {int(hour): counts for hour, counts in kept.hours.items()}
    counts = _hourly(product, launched_at, LAUNCH_HOURS)
    stored = {str(hour): found for hour, found in counts.items()}
    _keep(product, launched_at, hours=stored, hours_counted_at=now)
    return counts


def surge_check(*, product: Product, now: dt.datetime | None = None) -> SurgeCheck | None:
    """The test of the last 3 hours; None outside the launch's first 72 hours."""
    now = now or timezone.now()
    launched_at = product.launched_at
    if launched_at is None or not launched_at <= now < launched_at + LAUNCH_HOURS * HOUR:
        return None
    start = max(launched_at, now - WINDOW_HOURS * HOUR)
    total, negative = _totals(
        MentionProduct.objects.filter(
            _analysed(product), mention__published_at__gte=start, mention__published_at__lte=now
        ),
        "mention__sentiment",
    )
    baseline_total, baseline_negative = _baseline(product, launched_at, now)
    p_value = surge_p_value(
        window_negative=negative, window_total=total, baseline_negative=baseline_negative,
        baseline_total=baseline_total,
    )  # fmt: skip
    return SurgeCheck(
        window_start=start, window_end=now, window=int((now - launched_at) / (WINDOW_HOURS * HOUR)),
        total=total, negative=negative, baseline_total=baseline_total,
        baseline_negative=baseline_negative, p_value=p_value,
    )  # fmt: skip


def live_launches(*, workspace: Workspace, now: dt.datetime) -> list[Product]:
    return list(
        Product.objects.filter(
            workspace=workspace,
            launched_at__lte=now,
            launched_at__gt=now - LAUNCH_HOURS * HOUR,
        )
    )


def launch_alerts_check(*, workspace: Workspace, now: dt.datetime | None = None) -> list[Alert]:
    """Raise the alert for every launch whose last 3 hours turned significantly negative."""
    now = now or timezone.now()
    raised = []
    for product in live_launches(workspace=workspace, now=now):
        check = surge_check(product=product, now=now)
        if check is None or not check.is_significant:
            continue
        alert = _surge_alert(product, check)
        if alert is not None:
            raised.append(alert)
    return raised


def _surge_alert(product: Product, check: SurgeCheck) -> Alert | None:
    assert product.launched_at is not None
    latest = (
        Mention.objects.filter(
            mentionproduct__product=product,
            sentiment=MentionSentiment.NEGATIVE,
            published_at__gte=check.window_start,
            published_at__lte=check.window_end,
        )
        .order_by("-published_at", "-id")
        .first()
    )
    return alert_raise(
        workspace=product.workspace, kind=AlertKind.LAUNCH_NEGATIVE, product=product,
        mention=latest,
        key=f"launch:{product.pk}:{int(product.launched_at.timestamp())}:{check.window}",
        link_path=reverse("listening:launch-detail", args=[product.pk]),
        message_params={
            "product": product.name, "hours": WINDOW_HOURS, "negative": check.negative,
            "total": check.total, "share": _percent(check.share),
            "usual": _percent(check.usual_share), "p": p_bound(check.p_value),
            "baseline_total": check.baseline_total, "p_value": check.p_value,
            "window_start": check.window_start.isoformat(),
            "window_end": check.window_end.isoformat(),
            "launched_at": product.launched_at.isoformat(),
        },
    )  # fmt: skip


def _percent(share: float | None) -> float | int:
    """A share in percent as the alert says it: whole percent, one decimal under 10 %."""
    if share is None:
        return 0
    percent = 100 * share
    return round(percent, 1) if percent < 10 else round(percent)


def p_bound(p_value: float) -> float:
    """The p-value rounded up to three decimals (at least 0.001): "p ≤ 0.003" stays true."""
    return max(math.ceil(p_value * 1000) / 1000, 0.001)


def p_value_text(value: float | None) -> str:
    """A p-value as people read it: "p = 0.002", or "p < 0.001" below that."""
    if value is None:
        return "p = –"
    if value < 0.001:
        return "p < " + formats.number_format(0.001, 3)
    return "p = " + formats.number_format(round(value, 3), 3)


def launch_list(
    *, workspace: Workspace, now: dt.datetime | None = None, limit: int = RECENT_LAUNCHES
) -> list[LaunchSummary]:
    """The latest launches (upcoming ones first), with their first 72 hours in figures."""
    now = now or timezone.now()
    products = list(
        Product.objects.filter(workspace=workspace, launched_at__isnull=False).order_by(
            "-launched_at", "-id"
        )[:limit]
    )
    alerts = dict(
        Alert.objects.filter(
            workspace=workspace,
            kind=AlertKind.LAUNCH_NEGATIVE,
            product__in=[product.pk for product in products],
        )
        .values("product_id")
        .annotate(count=Count("id"))
        .values_list("product_id", "count")
        .order_by()
    )
    summaries = []
    for product in products:
        assert product.launched_at is not None
        total, negative = _totals(
            MentionProduct.objects.filter(
                _analysed(product),
                mention__published_at__gte=product.launched_at,
                mention__published_at__lt=product.launched_at + LAUNCH_HOURS * HOUR,
            ),
            "mention__sentiment",
        )
        summaries.append(LaunchSummary(
            product=product, now=now, total=total, negative=negative,
            alerts=alerts.get(product.pk, 0),
        ))  # fmt: skip
    return summaries
