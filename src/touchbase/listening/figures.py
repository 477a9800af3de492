"""How well the team answers: response rate, time to first answer and silence, per owner and week.

Which mentions count: those to be answered — read as negative, or put in the queue by hand.
Each counts in the week it was written (published_at, in the workspace's time zone), so an
imported review export spreads over its own weeks instead of piling up in the week of the
import; the time to the first answer runs from then too, as the customer waited.

- received: mentions to be answered, not closed as spam or not about us;
- answered: of these, the ones with a reply (answered_at);
- silent: of these, the ones without a reply past their due time — silence is the metric;
- closed: closed without an answer, counted apart (neither answered nor silent).
Owners are the mentions' owners now; "team" adds up everyone, the unassigned included.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from touchbase.core.models import User, Workspace
from touchbase.core.timeutil import start_of_day
from touchbase.listening.choices import MentionSentiment
from touchbase.listening.models import Mention
from touchbase.listening.services import listening_settings

MAX_WEEKS = 52
CHART_WIDTH = 320
CHART_HEIGHT = 80


@dataclass
class Tally:
    """The figures of one owner (or the team) over one week or a whole period."""

    received: int = 0
    answered: int = 0
    silent: int = 0
    closed: int = 0
    waits: list[float] = field(default_factory=list)  # hours to the first answer

    @property
    def waiting(self) -> int:
        """Not answered yet, but still within the answer time."""
        return self.received - self.answered - self.silent

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.received if self.received else None

    @property
    def silence_rate(self) -> float | None:
        return self.silent / self.received if self.received else None

    @property
    def response_percent(self) -> int | None:
        rate = self.response_rate
        return None if rate is None else round(rate * 100)

    @property
    def silence_percent(self) -> int | None:
        rate = self.silence_rate
        return None if rate is None else round(rate * 100)

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.waits) if self.waits else None

    def add(self, other: Tally) -> None:
        self.received += other.received
        self.answered += other.answered
        self.silent += other.silent
        self.closed += other.closed
        self.waits.extend(other.waits)


@dataclass
class OwnerFigures:
    owner_id: int | None
    name: str
    weeks: list[Tally]
    total: Tally


@dataclass
class Figures:
    weeks: list[dt.date]  # the Mondays, oldest first
    team: OwnerFigures
    owners: list[OwnerFigures]


@dataclass(frozen=True)
class Mark:
    """One row read for the figures: whose, when written, and what became of it."""

    owner_id: int | None
    published_at: dt.datetime
    due_at: dt.datetime
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None


def week_starts(*, today: dt.date, weeks: int) -> list[dt.date]:
    """The Mondays of the last `weeks` weeks, this week's last."""
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def answer_figures(
    *, workspace: Workspace, weeks: int = 8, now: dt.datetime | None = None
) -> Figures:
    """The figures per owner and week over the last `weeks` weeks (1 to 52), and the team's."""
    now = now or timezone.now()
    weeks = max(1, min(weeks, MAX_WEEKS))
    zone = workspace.zone
    mondays = week_starts(today=now.astimezone(zone).date(), weeks=weeks)
    marks = _marks(workspace, start_of_day(mondays[0], zone))
    by_owner: dict[int | None, list[Tally]] = {}
    index = {monday: position for position, monday in enumerate(mondays)}
    for mark in marks:
        local_day = mark.published_at.astimezone(zone).date()
        position = index.get(local_day - dt.timedelta(days=local_day.weekday()))
        if position is None:
            continue  # written in a week to come: a clock set wrong at the source
        tallies = by_owner.setdefault(mark.owner_id, [Tally() for _ in mondays])
        _count(tallies[position], mark, now)
    names = _names(workspace, [owner for owner in by_owner if owner is not None])
    owners = [
        _owner_figures(owner_id, names.get(owner_id, "") if owner_id else "", tallies)
        for owner_id, tallies in by_owner.items()
    ]
    owners.sort(key=lambda figures: (figures.owner_id is None, figures.name.casefold()))
    team_weeks = [Tally() for _ in mondays]
    for figures in owners:
        for team_week, week in zip(team_weeks, figures.weeks, strict=True):
            team_week.add(week)
    return Figures(weeks=mondays, team=_owner_figures(None, "", team_weeks), owners=owners)


def _marks(workspace: Workspace, start: dt.datetime) -> list[Mark]:
    """The mentions to be answered written since the start, with their due time."""
    hours = dt.timedelta(hours=listening_settings(workspace=workspace).response_sla_hours)
    rows = (
        Mention.objects.filter(workspace=workspace, published_at__gte=start)
        .filter(Q(sentiment=MentionSentiment.NEGATIVE) | Q(due_at__isnull=False))
        .values_list("owner_id", "published_at", "received_at", "due_at", "answered_at",
                     "closed_at")
    )  # fmt: skip
    return [
        Mark(owner, published, due or received + hours, answered, closed)
        for owner, published, received, due, answered, closed in rows.iterator(chunk_size=2000)
    ]


def _count(tally: Tally, mark: Mark, now: dt.datetime) -> None:
    if mark.closed_at is not None and mark.answered_at is None:
        tally.closed += 1
        return
    tally.received += 1
    if mark.answered_at is not None:
        tally.answered += 1
        wait = (mark.answered_at - mark.published_at).total_seconds() / 3600
        tally.waits.append(max(0.0, wait))
    elif mark.due_at < now:
        tally.silent += 1


def _owner_figures(owner_id: int | None, name: str, weeks: list[Tally]) -> OwnerFigures:
    total = Tally()
    for week in weeks:
        total.add(week)
    return OwnerFigures(owner_id=owner_id, name=name, weeks=weeks, total=total)


def _names(workspace: Workspace, owner_ids: list[int]) -> dict[int | None, str]:
    users = User.objects.filter(pk__in=owner_ids)
    return {user.pk: user.display_name for user in users}


@dataclass(frozen=True)
class Trend:
    """A share (0 to 1) per week as an SVG polyline's points; weeks without one are skipped."""

    points: str
    dots: list[tuple[float, float]]


def trend(shares: list[float | None], *, width: int = CHART_WIDTH,
          height: int = CHART_HEIGHT) -> Trend:  # fmt: skip
    """The points of a line over the weeks, 100 % at the top, 0 % at the bottom."""
    step = width / max(1, len(shares) - 1)
    dots = [
        (round(position * step, 1), round(height - share * height, 1))
        for position, share in enumerate(shares)
        if share is not None
    ]
    return Trend(points=" ".join(f"{x},{y}" for x, y in dots), dots=dots)
