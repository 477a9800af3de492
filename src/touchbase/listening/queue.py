"""Reading the response queue: what waits for an answer, by whom, and how long is left."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from touchbase.core.models import Workspace
from touchbase.listening.choices import MentionSentiment
from touchbase.listening.models import Mention
from touchbase.relationships.models import Contact

# Under this share of the answer time left, the clock turns amber.
SOON_SHARE = 0.25
OPEN_FEEDBACK_SHOWN = 5


@dataclass(frozen=True)
class Clock:
    """The time left to a due time: state "overdue", "soon" or "due", and words to show."""

    state: str
    seconds: int
    text: str

    @property
    def is_overdue(self) -> bool:
        return self.state == "overdue"


def span_text(seconds: int) -> str:
    """A duration in the unit people think in: minutes, hours under two days, else days."""
    minutes = max(1, seconds // 60)
    if minutes < 60:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = hours // 24
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def clock(*, due_at: dt.datetime, now: dt.datetime, sla_hours: int) -> Clock:
    """How long until the answer is due, or how long it is overdue."""
    seconds = int((due_at - now).total_seconds())
    if seconds < 0:
        return Clock("overdue", seconds, _("overdue by %(span)s") % {"span": span_text(-seconds)})
    soon = seconds < max(3600, sla_hours * 3600 * SOON_SHARE)
    return Clock(
        "soon" if soon else "due", seconds, _("due in %(span)s") % {"span": span_text(seconds)}
    )


@dataclass(frozen=True)
class QueueItem:
    mention: Mention
    clock: Clock


def queued(*, workspace: Workspace) -> QuerySet[Mention]:
    """Mentions waiting for an answer: due, neither answered nor closed."""
    return Mention.objects.filter(
        workspace=workspace, answered_at=None, closed_at=None, due_at__isnull=False
    )


def queue_filter(
    *,
    workspace: Workspace,
    now: dt.datetime,
    owner_id: int | None = None,
    unassigned: bool = False,
    overdue: bool = False,
) -> QuerySet[Mention]:
    """The queue narrowed to one owner (or nobody's mentions), and to the overdue ones."""
    mentions = queued(workspace=workspace)
    if unassigned:
        mentions = mentions.filter(owner=None)
    elif owner_id is not None:
        mentions = mentions.filter(owner_id=owner_id)
    if overdue:
        mentions = mentions.filter(due_at__lt=now)
    return mentions


def queue_page(
    *,
    workspace: Workspace,
    now: dt.datetime,
    sla_hours: int,
    owner_id: int | None = None,
    unassigned: bool = False,
    overdue: bool = False,
    latest_first: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> list[QueueItem]:
    """One page of the queue, soonest due first (or latest), each with its clock."""
    mentions = queue_filter(
        workspace=workspace, now=now, owner_id=owner_id, unassigned=unassigned, overdue=overdue
    )
    order = ["-due_at", "-id"] if latest_first else ["due_at", "id"]
    rows = mentions.select_related("source", "contact", "owner").order_by(*order)
    return [
        QueueItem(mention, clock(due_at=mention.due_at, now=now, sla_hours=sla_hours))
        for mention in rows[offset : offset + limit]
        if mention.due_at is not None
    ]


@dataclass(frozen=True)
class QueueCounts:
    waiting: int
    overdue: int


def queue_counts(
    *, workspace: Workspace, now: dt.datetime, owner_id: int | None = None, unassigned: bool = False
) -> QueueCounts:
    mentions = queue_filter(workspace=workspace, now=now, owner_id=owner_id, unassigned=unassigned)
    return QueueCounts(waiting=mentions.count(), overdue=mentions.filter(due_at__lt=now).count())


@dataclass(frozen=True)
class OpenFeedback:
    mentions: Sequence[Mention]
    more: int


def open_feedback(*, contact: Contact) -> OpenFeedback:
    """A customer's mentions nobody answered or closed yet: negative ones first, then newest."""
    mentions = (
        Mention.objects.filter(
            workspace_id=contact.workspace_id, contact=contact, answered_at=None, closed_at=None
        )
        .annotate(
            negative_first=Case(
                When(sentiment=MentionSentiment.NEGATIVE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("source")
        .order_by("negative_first", "-published_at", "-id")
    )
    shown = list(mentions[: OPEN_FEEDBACK_SHOWN + 1])
    more = mentions.count() - OPEN_FEEDBACK_SHOWN if len(shown) > OPEN_FEEDBACK_SHOWN else 0
    return OpenFeedback(mentions=shown[:OPEN_FEEDBACK_SHOWN], more=more)
