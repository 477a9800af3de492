"""Product ratings: average stars with an honest interval, the weekly trend, and the rules.

A rating is what an analysed mention about a product says in stars: the stars its author
gave, or, when they gave none, the analyser's estimate. Both are counted, and both counts are
shown. The interval is statistics.stars_interval (95 %, wide for few ratings).

Rules (`ratings_rules_apply`), for products on sale:
1. An average under 2.0 stars from at least `removal_min_ratings` ratings proposes the product
   for removal: its status becomes "proposed for removal", the proposal is recorded and an
   alert raised. A leader confirms (removed) or overrides with a reason (on sale again).
2. An override holds until `removal_min_ratings` more ratings arrived after it; then rule 1
   judges again on all ratings.
3. A product on sale for 30 days (since its launch, or since it was added) without any rating
   is flagged, and an alert is raised once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, DateField, QuerySet
from django.db.models.functions import Coalesce, TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.catalogue.choices import ProductStatus
from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_status_set
from touchbase.core.models import User, Workspace
from touchbase.listening.alerting import alert_raise
from touchbase.listening.choices import AlertKind, RemovalStep
from touchbase.listening.models import MentionProduct, RemovalDecision
from touchbase.listening.services import listening_settings
from touchbase.listening.statistics import stars_interval

REMOVAL_BELOW_STARS = 2.0
UNRATED_DAYS = 30
TREND_WEEKS = 12
MAX_REASON_LENGTH = 2000


@dataclass
class RatingFigures:
    """A product's ratings: how many (given and estimated), their average and its interval."""

    product: Product
    count: int = 0
    given: int = 0
    average: float | None = None
    low: float | None = None
    high: float | None = None
    # On sale since this moment, 30 days or more, without any rating.
    unrated_since: dt.datetime | None = None

    @property
    def estimated(self) -> int:
        return self.count - self.given

    @property
    def is_unrated(self) -> bool:
        return self.unrated_since is not None

    @property
    def is_below(self) -> bool:
        return self.average is not None and self.average < REMOVAL_BELOW_STARS


@dataclass
class WeekFigures:
    """One ISO week of a product's ratings (count 0: no rating that week)."""

    starts_on: dt.date
    count: int = 0
    average: float | None = None
    low: float | None = None
    high: float | None = None

    @property
    def label(self) -> str:
        year, week, _day = self.starts_on.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass
class RulesOutcome:
    proposed: list[Product] = field(default_factory=list)
    flagged: list[Product] = field(default_factory=list)


def _ratings(workspace: Workspace) -> QuerySet[MentionProduct]:
    """Every rating of the workspace: analysed mentions with given or estimated stars."""
    return (
        MentionProduct.objects.filter(workspace=workspace, mention__analysed_at__isnull=False)
        .annotate(value=Coalesce("mention__stars", "mention__stars_estimated"))
        .filter(value__isnull=False)
    )


def on_sale_since(product: Product) -> dt.datetime:
    return product.launched_at or product.created_at


def product_ratings(
    *, workspace: Workspace, products: Iterable[Product], now: dt.datetime | None = None
) -> list[RatingFigures]:
    """The figures of these products (one query), in the order given."""
    now = now or timezone.now()
    products = list(products)
    rows = (
        _ratings(workspace)
        .filter(product_id__in=[product.pk for product in products])
        .values("product_id")
        .annotate(count=Count("id"), given=Count("mention__stars"), average=Avg("value"))
        .order_by()
    )
    by_product = {row["product_id"]: row for row in rows}
    return [_figures(product, by_product.get(product.pk), now) for product in products]


def _figures(product: Product, row: Mapping[str, Any] | None, now: dt.datetime) -> RatingFigures:
    if not row:
        figures = RatingFigures(product=product)
        since = on_sale_since(product)
        if product.status == ProductStatus.ON_SALE and since <= now - dt.timedelta(
            days=UNRATED_DAYS
        ):
            figures.unrated_since = since
        return figures
    count, average = int(row["count"]), float(row["average"])
    interval = stars_interval(average, count)
    return RatingFigures(
        product=product, count=count, given=int(row["given"]), average=average,
        low=interval.low, high=interval.high,
    )  # fmt: skip


def product_rating(*, product: Product, now: dt.datetime | None = None) -> RatingFigures:
    return product_ratings(workspace=product.workspace, products=[product], now=now)[0]


def weekly_trend(
    *, product: Product, now: dt.datetime | None = None, weeks: int = TREND_WEEKS
) -> list[WeekFigures]:
    """Average stars per ISO week (in the workspace's time zone), oldest first, this week last."""
    zone = product.workspace.zone
    today = timezone.localtime(now or timezone.now(), zone).date()
    first = today - dt.timedelta(days=today.weekday(), weeks=weeks - 1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    rows = (
        _ratings(product.workspace)
        .filter(product=product, mention__published_at__gte=start)
        .annotate(week=TruncWeek("mention__published_at", output_field=DateField(), tzinfo=zone))
        .values("week")
        .annotate(count=Count("id"), average=Avg("value"))
        .order_by()
    )
    by_week = {row["week"]: row for row in rows}
    trend = []
    for number in range(weeks):
        week = WeekFigures(starts_on=first + dt.timedelta(weeks=number))
        row = by_week.get(week.starts_on)
        if row:
            week.count, week.average = row["count"], row["average"]
            interval = stars_interval(week.average, week.count)
            week.low, week.high = interval.low, interval.high
        trend.append(week)
    return trend


def removal_history(*, product: Product) -> QuerySet[RemovalDecision]:
    return RemovalDecision.objects.filter(product=product).select_related("decided_by")


# --- the rules ----------------------------------------------------------------------------------


def ratings_rules_apply(*, workspace: Workspace, now: dt.datetime | None = None) -> RulesOutcome:
    """Propose products for removal and flag unrated ones (see the module); idempotent."""
    now = now or timezone.now()
    min_ratings = listening_settings(workspace=workspace).removal_min_ratings
    products = Product.objects.filter(workspace=workspace, status=ProductStatus.ON_SALE)
    figures = product_ratings(workspace=workspace, products=products, now=now)
    overrides = _overrides(workspace, [item.product.pk for item in figures if item.is_below])
    outcome = RulesOutcome()
    for item in figures:
        held = overrides.get(item.product.pk)
        if item.count >= min_ratings and item.is_below and not _holds(held, item, min_ratings):
            if removal_propose(figures=item, min_ratings=min_ratings):
                outcome.proposed.append(item.product)
        elif item.is_unrated and _unrated_alert(item):
            outcome.flagged.append(item.product)
    return outcome


def _overrides(workspace: Workspace, product_ids: list[int]) -> dict[int, RemovalDecision]:
    """Each product's last decision, if it was an override."""
    last: dict[int, RemovalDecision] = {}
    decisions = RemovalDecision.objects.filter(workspace=workspace, product_id__in=product_ids)
    for decision in decisions.order_by("product_id", "-decided_at", "-id"):
        last.setdefault(decision.product_id, decision)
    return {pk: d for pk, d in last.items() if d.step == RemovalStep.OVERRIDDEN}


def _holds(override: RemovalDecision | None, figures: RatingFigures, min_ratings: int) -> bool:
    return override is not None and figures.count < override.ratings + min_ratings


def removal_propose(*, figures: RatingFigures, min_ratings: int) -> RemovalDecision | None:
    """Propose the product for removal and raise the alert; None if it is no longer on sale."""
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=figures.product.pk)
        if product.status != ProductStatus.ON_SALE:
            return None
        product_status_set(product=product, status=ProductStatus.PROPOSED_FOR_REMOVAL)
        decision = RemovalDecision.objects.create(
            workspace=product.workspace, product=product, step=RemovalStep.PROPOSED,
            ratings=figures.count, average=figures.average,
        )  # fmt: skip
        alert_raise(
            workspace=product.workspace, kind=AlertKind.REMOVAL_PROPOSED, product=product,
            key=f"removal:{decision.pk}",
            link_path=reverse("listening:rating-detail", args=[product.pk]),
            message_params={
                "product": product.name, "average": _rounded(figures.average),
                "count": figures.count, "given": figures.given, "low": _rounded(figures.low),
                "high": _rounded(figures.high), "min_ratings": min_ratings,
            },
        )  # fmt: skip
    figures.product.status = product.status
    return decision


def _unrated_alert(figures: RatingFigures) -> bool:
    product = figures.product
    since = figures.unrated_since
    raised = alert_raise(
        workspace=product.workspace, kind=AlertKind.NO_RATING, product=product,
        key=f"unrated:{product.pk}",
        link_path=reverse("listening:rating-detail", args=[product.pk]),
        message_params={
            "product": product.name, "days": UNRATED_DAYS,
            "since": since.isoformat() if since else None,
        },
    )  # fmt: skip
    return raised is not None


def _rounded(value: float | None) -> float | None:
    """Stars as an alert shows them: one decimal."""
    return None if value is None else round(value, 1)


def _proposed_product(product: Product) -> Product:
    """The product, locked; a field error unless it is proposed for removal."""
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if locked.status != ProductStatus.PROPOSED_FOR_REMOVAL:
        raise ValidationError({"status": _("This product is not proposed for removal.")})
    return locked


@transaction.atomic
def removal_confirm(*, product: Product, by: User) -> RemovalDecision:
    """A leader agrees: the product is removed from the range."""
    locked = _proposed_product(product)
    figures = product_rating(product=locked)
    product_status_set(product=locked, status=ProductStatus.REMOVED)
    product.status = locked.status
    return RemovalDecision.objects.create(
        workspace=locked.workspace, product=locked, step=RemovalStep.CONFIRMED,
        ratings=figures.count, average=figures.average, decided_by=by,
    )  # fmt: skip


@transaction.atomic
def removal_override(*, product: Product, by: User, reason: str) -> RemovalDecision:
    """A leader keeps the product on sale, for a reason, until enough new ratings arrived."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the product stays on sale.")})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {"reason": _("At most %(count)d characters.") % {"count": MAX_REASON_LENGTH}}
        )
    locked = _proposed_product(product)
    figures = product_rating(product=locked)
    product_status_set(product=locked, status=ProductStatus.ON_SALE)
    product.status = locked.status
    return RemovalDecision.objects.create(
        workspace=locked.workspace, product=locked, step=RemovalStep.OVERRIDDEN,
        ratings=figures.count, average=figures.average, reason=reason, decided_by=by,
    )  # fmt: skip


def override_until(*, decision: RemovalDecision, min_ratings: int) -> int:
    """How many ratings the product needs before the rule judges it again."""
    return decision.ratings + min_ratings
