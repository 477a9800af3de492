"""Matching: which helpers could take a help request, best first, with the reasons shown.

A helper is a candidate when they are verified, not blocked, not paused, have the request's
skill checked by the community manager, live within their own travel radius of the request
(inclusive), are free for the whole job in one of the customer's future windows, and have not
declined (or let expire) an offer for this request.

The score (0–100) is a weighted sum; each part is shown to the customer and staff as a reason:
- distance (30): 30 / (1 + km / 10) — 30 next door, 15 at 10 km, 7.5 at 30 km;
- rating (25): Bayesian average of the customers' stars with 5 ratings of 4.0 as the prior, so
  one rating of 5 does not beat fifty of 4.8; scaled from 1 star (0) to 5 stars (25);
- experience (20): done jobs with this skill, 2 points each up to 10 jobs;
- price (15): against the customer's budget per hour (or, without one, the technician's price
  per hour of this job): at or under it 7.5–15 (cheaper is better), over it a penalty down to
  −15 — a helper over budget stays a candidate, ranked lower;
- response (10): 10 / (1 + median hours to answer an offer / 12); unknown: 5.
The total is clamped to 0–100.

The facts behind the score (ratings, jobs, response times) are loaded for all candidate helpers
at once in grouped queries; assignment.py uses the same functions for its batch.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from touchbase.community.availability import (
    HelperCalendar,
    Span,
    calendars_from,
    epoch_hour,
    hour_datetime,
    hours_needed,
    merge_spans,
    starts_within,
    window_spans,
)
from touchbase.community.choices import BookingState, OfferState, Side
from touchbase.community.geo import bounding_box, distance_km
from touchbase.community.models import (
    MAX_RADIUS_KM,
    BookedHour,
    Booking,
    CustomerBlock,
    Helper,
    HelpRequest,
    Offer,
    Rating,
    Skill,
)
from touchbase.core.models import Workspace

WEIGHT_DISTANCE = 30.0
WEIGHT_RATING = 25.0
WEIGHT_EXPERIENCE = 20.0
WEIGHT_PRICE = 15.0
WEIGHT_RESPONSE = 10.0
DISTANCE_HALF_KM = 10.0
RATING_PRIOR_STARS = 4.0
RATING_PRIOR_COUNT = 5
EXPERIENCE_FULL_JOBS = 10
RESPONSE_HALF_HOURS = 12.0
# Rounding in the haversine must not push a helper at exactly their radius out (1 mm).
RADIUS_TOLERANCE_KM = 1e-6


@dataclass
class Reason:
    """One part of a candidate's score, as a sentence for people and its points."""

    code: str
    label: str
    points: float


@dataclass
class Candidate:
    """A helper who could take the request, in the earliest slot that fits, with the score."""

    helper: Helper
    starts_at: dt.datetime
    ends_at: dt.datetime
    score: float
    reasons: list[Reason]
    distance_km: float


@dataclass(slots=True)
class HelperFacts:
    """What matching knows of one helper: place, price, calendar and track record."""

    id: int
    latitude: float
    longitude: float
    radius_km: int
    hourly_price: float
    calendar: HelperCalendar
    ratings: int = 0
    stars: int = 0
    jobs: dict[int, int] = field(default_factory=dict)  # skill id → done bookings
    response_hours: float | None = None
    free: list[Span] = field(default_factory=list)  # filled per batch or request


@dataclass(slots=True)
class RequestFacts:
    """What matching needs of one request, without touching its rows again."""

    id: int
    skill_id: int
    latitude: float
    longitude: float
    length: int  # hours the job blocks
    windows: list[Span]  # future whole-hour windows, epoch hours
    reference_price: float | None  # budget per hour, else the technician's price per hour
    has_budget: bool


# --- facts ---------------------------------------------------------------------------------------


def eligible_helpers(
    workspace: Workspace | int, *, skill_ids: Iterable[int], today: dt.date
) -> QuerySet[Helper]:
    """Helpers who may be offered jobs today, with one of these skills checked."""
    return Helper.objects.filter(
        Q(paused_until__isnull=True) | Q(paused_until__lt=today),
        workspace=workspace,
        verified_at__isnull=False,
        blocked_at__isnull=True,
        helper_skills__skill_id__in=list(skill_ids),
        helper_skills__checked_at__isnull=False,
    )


def facts_load(
    rows: Iterable[tuple[int, float, float, int, Decimal, str]],
    *,
    skill_ids: Sequence[int],
    today: dt.date,
    workspace: Workspace | int | None = None,
    calendars: dict[int, HelperCalendar] | None = None,
) -> dict[int, HelperFacts]:
    """HelperFacts for (id, lat, lon, radius, price, zone) rows: three grouped queries, and two
    more for the calendars unless given.

    With `workspace`, the track-record queries read the whole workspace instead of a list of
    ids (the batch asks for nearly every helper anyway)."""
    rows = list(rows)
    if calendars is None:
        calendars = calendars_from({row[0]: row[5] for row in rows}, today=today)
    facts = {
        pk: HelperFacts(pk, lat, lon, radius, float(price), calendars[pk])
        for pk, lat, lon, radius, price, _zone in rows
    }
    if not facts:
        return facts
    ids = list(facts)
    by_helper = Q(workspace=workspace) if workspace is not None else Q(helper_id__in=ids)
    ratings = (
        Rating.objects.filter(
            Q(booking__workspace=workspace) if workspace is not None
            else Q(booking__helper_id__in=ids),
            by=Side.CUSTOMER,
        )
        .values_list("booking__helper_id")
        .annotate(count=Count("pk"), stars=Sum("stars"))
    )  # fmt: skip
    for helper_id, count, stars in ratings:
        if helper_id in facts:
            facts[helper_id].ratings, facts[helper_id].stars = count, stars or 0
    jobs = (
        Booking.objects.filter(by_helper, state=BookingState.DONE,
                               request__skill_id__in=list(skill_ids))
        .values_list("helper_id", "request__skill_id")
        .annotate(count=Count("pk"))
    )  # fmt: skip
    for helper_id, skill_id, count in jobs:
        if helper_id in facts:
            facts[helper_id].jobs[skill_id] = count
    waits: dict[int, list[float]] = defaultdict(list)
    answered = Offer.objects.filter(by_helper).filter(
        Q(answered_at__isnull=False) | Q(state=OfferState.EXPIRED)
    )
    waited = ExpressionWrapper(
        Coalesce("answered_at", "deadline_at") - F("created_at"), output_field=DurationField()
    )
    for helper_id, wait in answered.annotate(waited=waited).values_list("helper_id", "waited"):
        waits[helper_id].append(wait.total_seconds() / 3600)
    for helper_id, hours in waits.items():
        if helper_id in facts:
            facts[helper_id].response_hours = max(0.0, statistics.median(hours))
    return facts


def busy_load(helper_ids: Sequence[int] | None, first: int, end: int,
              *, workspace: Workspace | int | None = None) -> dict[int, set[int]]:  # fmt: skip
    """Booked hours (epoch hours) per helper within [first, end): one query."""
    rows = BookedHour.objects.filter(hour__gte=hour_datetime(first), hour__lt=hour_datetime(end))
    rows = (
        rows.filter(workspace=workspace)
        if workspace is not None
        else rows.filter(helper_id__in=list(helper_ids or []))
    )
    busy: dict[int, set[int]] = defaultdict(set)
    for helper_id, hour in rows.values_list("helper_id", "hour"):
        busy[helper_id].add(epoch_hour(hour))
    return busy


def request_facts(
    request: HelpRequest,
    skill: Skill,
    windows: Iterable[tuple[dt.datetime, dt.datetime]],
    *,
    now: dt.datetime,
) -> RequestFacts:
    """The request's facts; its (starts, ends) windows cut to the future and to whole hours."""
    length = hours_needed(skill.hours)
    spans = merge_spans(window_spans((max(begin, now), end) for begin, end in windows if end > now))
    if request.budget is not None:
        reference: float | None = float(request.budget)
    elif skill.technician_price:
        reference = float(skill.technician_price) / float(skill.hours or 1)
    else:
        reference = None
    return RequestFacts(
        request.pk, skill.pk, request.latitude, request.longitude, length, spans, reference,
        request.budget is not None,
    )  # fmt: skip


# --- the score -------------------------------------------------------------------------------


def rating_average(facts: HelperFacts) -> float:
    """Bayesian average: the prior counts as RATING_PRIOR_COUNT ratings of RATING_PRIOR_STARS."""
    return (RATING_PRIOR_COUNT * RATING_PRIOR_STARS + facts.stars) / (
        RATING_PRIOR_COUNT + facts.ratings
    )


def score_parts(facts: HelperFacts, request: RequestFacts, distance: float) -> tuple[float, ...]:
    """Points for distance, rating, experience, price and response, in that order."""
    near = WEIGHT_DISTANCE / (1 + distance / DISTANCE_HALF_KM)
    rated = WEIGHT_RATING * (rating_average(facts) - 1) / 4
    jobs = min(facts.jobs.get(request.skill_id, 0), EXPERIENCE_FULL_JOBS)
    done = WEIGHT_EXPERIENCE * jobs / EXPERIENCE_FULL_JOBS
    reference, price = request.reference_price, facts.hourly_price
    if reference is None:
        cost = WEIGHT_PRICE / 2
    elif price <= reference:
        cost = WEIGHT_PRICE * (1 - 0.5 * price / reference) if reference else WEIGHT_PRICE
    else:
        cost = -WEIGHT_PRICE * min(1.0, (price - reference) / max(reference, 1.0))
    hours = facts.response_hours
    quick = (
        WEIGHT_RESPONSE / 2
        if hours is None
        else WEIGHT_RESPONSE / (1 + hours / RESPONSE_HALF_HOURS)
    )
    return near, rated, done, cost, quick


def score_total(parts: Sequence[float]) -> float:
    return round(min(100.0, max(0.0, sum(parts))), 1)


@lru_cache(maxsize=16)
def _labels(language: str | None) -> dict[str, str]:
    """The reasons' sentences in one language, looked up once: a batch labels thousands."""
    return {
        "away": _("%(km)s km away"),
        "unrated": _("no ratings yet"),
        "no_jobs": _("no jobs on this topic yet"),
        "price": _("€%(price)s/h"),
        "within_budget": _("€%(price)s/h, within the budget"),
        "under_technician": _("€%(price)s/h, less than a technician"),
        "over_budget": _("€%(price)s/h, €%(over)s/h over the budget (ranked lower, not excluded)"),
        "over_technician": _("€%(price)s/h, €%(over)s/h more than a technician"),
        "no_answers": _("no offers answered yet"),
        "answers": _("answers offers in %(hours)s h (median)"),
    }


@lru_cache(maxsize=512)
def _ratings_label(language: str | None, count: int) -> str:
    return ngettext("%(stars)s stars from %(count)d rating",
                    "%(stars)s stars from %(count)d ratings", count)  # fmt: skip


@lru_cache(maxsize=512)
def _jobs_label(language: str | None, count: int) -> str:
    return ngettext("%(count)d job on this topic", "%(count)d jobs on this topic", count)


def _number(value: float, places: int | None = None) -> str:
    """A number as the reader writes it: German readers expect a decimal comma."""
    if places is None:
        places = 0 if abs(value - round(value)) < 0.005 else 2
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if (get_language() or "").startswith("de") else text


def _hours(value: float) -> str:
    rounded = round(value, 1)
    return _number(rounded, 0 if rounded == int(rounded) else 1)


def score_reasons(
    facts: HelperFacts, request: RequestFacts, distance: float, parts: Sequence[float]
) -> list[Reason]:
    """The parts of the score as sentences (in the active language)."""
    language = get_language()
    labels = _labels(language)
    near, rated, done, cost, quick = (round(part, 1) for part in parts)
    reasons = [Reason("distance", labels["away"] % {"km": _number(distance, 1)}, near)]
    if facts.ratings:
        label = _ratings_label(language, facts.ratings) % {
            "stars": _number(facts.stars / facts.ratings, 1), "count": facts.ratings}  # fmt: skip
    else:
        label = labels["unrated"]
    reasons.append(Reason("rating", label, rated))
    jobs = facts.jobs.get(request.skill_id, 0)
    label = _jobs_label(language, jobs) % {"count": jobs} if jobs else labels["no_jobs"]
    reasons.append(Reason("experience", label, done))
    price = {"price": _number(facts.hourly_price)}
    reference = request.reference_price
    if reference is None:
        label = labels["price"] % price
    elif facts.hourly_price <= reference:
        key = "within_budget" if request.has_budget else "under_technician"
        label = labels[key] % price
    else:
        key = "over_budget" if request.has_budget else "over_technician"
        label = labels[key] % {**price, "over": _number(facts.hourly_price - reference)}
    reasons.append(Reason("price", label, cost))
    if facts.response_hours is None:
        label = labels["no_answers"]
    else:
        label = labels["answers"] % {"hours": _hours(facts.response_hours)}
    reasons.append(Reason("response", label, quick))
    return reasons


# --- one request -------------------------------------------------------------------------------


def within_radius(facts: HelperFacts, latitude: float, longitude: float) -> float | None:
    """The distance if the place is within the helper's radius (inclusive), else None."""
    distance = distance_km(facts.latitude, facts.longitude, latitude, longitude)
    return distance if distance <= facts.radius_km + RADIUS_TOLERANCE_KM else None


HELPER_COLUMNS = ("pk", "latitude", "longitude", "radius_km", "hourly_price", "time_zone")


def candidates(
    request: HelpRequest, *, limit: int = 20, now: dt.datetime | None = None
) -> list[Candidate]:
    """The helpers who could take this request, best first, each in their earliest slot.

    Steps: the request's future windows (none: no candidates); a blocked customer gets none;
    helpers in a bounding box of the largest radius with the skill checked, verified, not
    blocked or paused, who did not decline or let expire an offer for it (one query); the
    exact distance against each one's radius; their calendars and booked hours (three
    queries); the earliest free slot; the track record of those left (three queries); the
    score; the best `limit` helpers loaded as rows (one query)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    skill = request.skill
    target = request_facts(
        request, skill, request.windows.values_list("starts_at", "ends_at"), now=now
    )
    if not target.windows:
        return []
    if CustomerBlock.objects.filter(workspace_id=request.workspace_id,
                                    email__iexact=request.email).exists():  # fmt: skip
        return []
    south, north, west, east = bounding_box(request.latitude, request.longitude, MAX_RADIUS_KM)
    turned_down = Offer.objects.filter(
        request_id=request.pk, state__in=[OfferState.DECLINED, OfferState.EXPIRED]
    ).values("helper_id")
    rows = (
        eligible_helpers(request.workspace_id, skill_ids=[skill.pk], today=today)
        .filter(latitude__range=(south, north), longitude__range=(west, east))
        .exclude(pk__in=turned_down)
        .values_list(*HELPER_COLUMNS)
    )
    near: dict[int, float] = {}
    kept = []
    for row in rows:
        distance = distance_km(row[1], row[2], request.latitude, request.longitude)
        if distance <= row[3] + RADIUS_TOLERANCE_KM:
            near[row[0]] = distance
            kept.append(row)
    if not kept:
        return []
    first, end = target.windows[0][0], max(window[1] for window in target.windows)
    zones = {row[0]: row[5] for row in kept}
    calendars = calendars_from(zones, today=today)
    busy = busy_load(list(zones), first, end)
    slots: dict[int, int] = {}
    for pk, calendar in calendars.items():
        free = calendar.free_spans(first, end, busy.get(pk, ()))
        start = next(starts_within(free, target.windows, target.length), None)
        if start is not None:
            slots[pk] = start
    facts = facts_load([row for row in kept if row[0] in slots], skill_ids=[skill.pk],
                       today=today, calendars=calendars)  # fmt: skip
    scored = []
    for pk, helper_facts in facts.items():
        parts = score_parts(helper_facts, target, near[pk])
        scored.append((-score_total(parts), near[pk], slots[pk], pk, parts))
    scored.sort()
    best = scored[:limit]
    helpers = Helper.objects.in_bulk([entry[3] for entry in best])
    return [
        Candidate(
            helper=helpers[pk],
            starts_at=hour_datetime(start),
            ends_at=hour_datetime(start + target.length),
            score=-negative_score,
            reasons=score_reasons(facts[pk], target, distance, parts),
            distance_km=round(distance, 2),
        )
        for negative_score, distance, start, pk, parts in best
    ]


def candidate_at(
    help_request: HelpRequest, helper: Helper, starts_at: dt.datetime,
    *, now: dt.datetime | None = None,
) -> Candidate | None:  # fmt: skip
    """The helper as a candidate for the request at this start, or None where matching would
    not offer it: the same rules as matching.candidates, for one helper and any free start
    (not only the earliest).

    Steps: the request's future whole-hour windows; the helper eligible for its skill today
    and not having turned it down; within their radius; the job's hours free in their
    calendar and inside a window; then the score and its reasons."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    skill = help_request.skill
    windows = help_request.windows.values_list("starts_at", "ends_at")
    target = request_facts(help_request, skill, windows, now=now)
    if not target.windows or starts_at != starts_at.replace(minute=0, second=0, microsecond=0):
        return None
    turned_down = help_request.offers.filter(
        helper=helper, state__in=[OfferState.DECLINED, OfferState.EXPIRED]
    )
    if turned_down.exists():
        return None
    row = (
        eligible_helpers(help_request.workspace_id, skill_ids=[skill.pk], today=today)
        .filter(pk=helper.pk)
        .values_list(*HELPER_COLUMNS)
        .first()
    )
    if row is None:
        return None
    distance = distance_km(row[1], row[2], help_request.latitude, help_request.longitude)
    if distance > row[3] + RADIUS_TOLERANCE_KM:
        return None
    start = epoch_hour(starts_at)
    end = start + target.length
    calendars = calendars_from({helper.pk: row[5]}, today=today)
    busy = busy_load([helper.pk], start, end)
    free = calendars[helper.pk].free_spans(start, end, busy.get(helper.pk, ()))
    if start not in starts_within(free, target.windows, target.length):
        return None
    facts = facts_load([row], skill_ids=[skill.pk], today=today, calendars=calendars)[helper.pk]
    parts = score_parts(facts, target, distance)
    return Candidate(
        helper=helper, starts_at=hour_datetime(start), ends_at=hour_datetime(end),
        score=score_total(parts), reasons=score_reasons(facts, target, distance, parts),
        distance_km=round(distance, 2),
    )  # fmt: skip
