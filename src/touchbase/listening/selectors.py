"""Reading listening's rows for screens and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from touchbase.catalogue.models import Product
from touchbase.core.models import Workspace
from touchbase.listening.choices import InvitationStatus
from touchbase.listening.models import Alert, Mention, ReviewInvitation, Source


def source_list(*, workspace: Workspace) -> QuerySet[Source]:
    return Source.objects.filter(workspace=workspace).select_related("owner").order_by("name")


def source_figures(*, source: Source) -> dict[str, Any]:
    mentions = Mention.objects.filter(source=source)
    return {
        "count": mentions.count(),
        "last": mentions.aggregate(last=Max("received_at"))["last"],
    }


def pending_count(*, workspace: Workspace) -> int:
    """Mentions the worker has not read yet."""
    return Mention.objects.filter(workspace=workspace, analysed_at=None).count()


@dataclass
class MentionPage:
    rows: list[Mention]
    next_before: str


def _cursor(mention: Mention) -> str:
    return f"{mention.published_at.isoformat()}|{mention.pk}"


def _parse_cursor(value: str) -> tuple[dt.datetime, int] | None:
    moment, _bar, pk = value.partition("|")
    try:
        parsed = dt.datetime.fromisoformat(moment)
        return (parsed, int(pk)) if parsed.tzinfo else None
    except ValueError:
        return None


def mention_filter(
    *,
    workspace: Workspace,
    search: str = "",
    sentiment: str = "",
    source: Source | None = None,
    product_id: int | None = None,
) -> QuerySet[Mention]:
    mentions = Mention.objects.filter(workspace=workspace)
    if sentiment:
        mentions = mentions.filter(sentiment=sentiment)
    if source is not None:
        mentions = mentions.filter(source=source)
    if product_id:
        mentions = mentions.filter(mentionproduct__product_id=product_id)
    for word in search.split()[:5]:
        mentions = mentions.filter(
            Q(text__icontains=word) | Q(title__icontains=word) | Q(author__icontains=word)
        )
    return mentions


def mention_page(
    *,
    workspace: Workspace,
    search: str = "",
    sentiment: str = "",
    source: Source | None = None,
    product_id: int | None = None,
    before: str = "",
    size: int = 50,
) -> MentionPage:
    """Newest first, one page after the cursor (keyset: deep pages cost what the first does)."""
    mentions = mention_filter(
        workspace=workspace, search=search, sentiment=sentiment, source=source,
        product_id=product_id,
    )  # fmt: skip
    cursor = _parse_cursor(before) if before else None
    if cursor:
        moment, pk = cursor
        mentions = mentions.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))
    rows = list(
        mentions.select_related("source", "contact").order_by("-published_at", "-pk")[: size + 1]
    )
    next_before = _cursor(rows[size - 1]) if len(rows) > size else ""
    return MentionPage(rows=rows[:size], next_before=next_before)


@dataclass
class InvitationFigures:
    """How invitations fared: offered, sent, answered, and why the others were not sent."""

    offered: int
    sent: int
    answered: int
    skipped: dict[str, int]

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None


def invitation_figures(*, workspace: Workspace, since: dt.datetime) -> InvitationFigures:
    """Counts of the invitations offered since the moment (sent = sent or answered)."""
    rows = ReviewInvitation.objects.filter(workspace=workspace, created_at__gte=since)
    by_status = dict(rows.values_list("status").annotate(count=Count("pk")).order_by())
    skipped = dict(
        rows.filter(status=InvitationStatus.SKIPPED)
        .values_list("skip_reason")
        .annotate(count=Count("pk"))
        .order_by()
    )
    answered = by_status.get(InvitationStatus.ANSWERED, 0)
    return InvitationFigures(
        offered=sum(by_status.values()),
        sent=by_status.get(InvitationStatus.SENT, 0) + answered,
        answered=answered,
        skipped=skipped,
    )


def invitation_list(
    *, workspace: Workspace, status: str = "", limit: int = 100, offset: int = 0
) -> list[ReviewInvitation]:
    """Newest first, with customer, product and answer loaded for the list."""
    rows = ReviewInvitation.objects.filter(workspace=workspace)
    if status:
        rows = rows.filter(status=status)
    return list(
        rows.select_related("contact", "product", "mention").order_by("-created_at", "-pk")[
            offset : offset + limit
        ]
    )


def alert_list(
    *, workspace: Workspace, limit: int = 100, offset: int = 0, product: Product | None = None
) -> list[Alert]:
    """Newest first, with the webhook delivery's state beside each alert."""
    alerts = Alert.objects.filter(workspace=workspace)
    if product is not None:
        alerts = alerts.filter(product=product)
    return list(
        alerts.select_related("product", "mention", "webhook_delivery").order_by(
            "-created_at", "-pk"
        )[offset : offset + limit]
    )
