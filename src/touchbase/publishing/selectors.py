"""Reads of publishing: the news page, a draft's history, the channel chart, the diff."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from touchbase.core.models import Workspace
from touchbase.publishing.choices import CommentState, DraftState
from touchbase.publishing.models import Channel, Draft, DraftVersion, NewsComment

NEWS_PAGE_SIZE = 20
FEED_SIZE = 30


def news_posts(*, workspace: Workspace, tag: str = "", page: int = 1) -> tuple[list[Draft], bool]:
    """One page of the public news page (newest first) and whether there is another."""
    posts = Draft.objects.filter(workspace=workspace, on_news=True)
    if tag:
        posts = posts.filter(public_tag_set__slug=tag)
    start = (page - 1) * NEWS_PAGE_SIZE
    rows = list(
        posts.order_by("-published_at", "-pk").only(
            "pk", "public_title", "public_summary", "public_tags", "published_at",
            "public_image", "public_image_alt", "workspace_id",
        )[start : start + NEWS_PAGE_SIZE + 1]
    )  # fmt: skip
    return rows[:NEWS_PAGE_SIZE], len(rows) > NEWS_PAGE_SIZE


def feed_posts(*, workspace: Workspace) -> list[Draft]:
    return list(
        Draft.objects.filter(workspace=workspace, on_news=True)
        .order_by("-published_at", "-pk")
        .only("pk", "public_title", "public_html", "public_summary", "public_tags",
              "published_at", "public_updated_at", "author__first_name", "author__last_name",
              "author__username", "workspace_id")
        .select_related("author")[:FEED_SIZE]
    )  # fmt: skip


def news_post(*, workspace: Workspace, pk: int) -> Draft | None:
    return Draft.objects.filter(workspace=workspace, on_news=True, pk=pk).first()


def comments_shown(draft: Draft) -> list[NewsComment]:
    return list(
        NewsComment.objects.filter(draft=draft, state=CommentState.SHOWN).order_by(
            "created_at", "pk"
        )
    )


def comments_waiting(*, workspace: Workspace) -> QuerySet[NewsComment]:
    return (
        NewsComment.objects.filter(workspace=workspace, state=CommentState.WAITING)
        .select_related("draft", "visitor")
        .order_by("created_at")
    )


def drafts(*, workspace: Workspace, state: str = "") -> QuerySet[Draft]:
    found = Draft.objects.filter(workspace=workspace).select_related("author")
    if state:
        found = found.filter(state=state)
    return found.annotate(
        waiting=Count("comments", filter=Q(comments__state=CommentState.WAITING))
    ).order_by("-updated_at")


def state_counts(*, workspace: Workspace) -> dict[str, int]:
    counts = dict(
        Draft.objects.filter(workspace=workspace)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return {state: counts.get(state, 0) for state in DraftState.values}


@dataclass(frozen=True)
class DiffLine:
    op: str  # "+", "-" or " "
    text: str


def version_diff(old: DraftVersion | None, new: DraftVersion) -> dict[str, Any]:
    """What changed from one version to the next: title, channels, tags, time and text lines."""
    before = old.body.splitlines() if old else []
    lines = [
        DiffLine(op=row[0], text=row[2:])
        for row in difflib.ndiff(before, new.body.splitlines())
        if row[:1] in "+- " and not row.startswith("? ")
    ]
    return {
        "title": (old.title if old else "", new.title),
        "title_changed": old is None or old.title != new.title,
        "channels_added": sorted(set(new.channel_names) - set(old.channel_names if old else [])),
        "channels_removed": sorted(set(old.channel_names if old else []) - set(new.channel_names)),
        "tags": (old.tag_names if old else [], new.tag_names),
        "planned": (old.planned_at if old else None, new.planned_at),
        "lines": lines,
        "changed": any(line.op != " " for line in lines),
    }


@dataclass(frozen=True)
class ChartPoint:
    channel: Channel
    x: float
    y: float
    risky: bool


def channel_chart(*, workspace: Workspace, size: int = 320, margin: int = 40) -> list[ChartPoint]:
    """Channels placed by control (x, left = little) and permanence (y, up = lasting).

    The risky corner is top-left: lasting and out of our hands. Channels on one spot are
    fanned out a little so every label stays readable.
    """
    span = size - 2 * margin
    seen: dict[tuple[int, int], int] = {}
    points = []
    for channel in Channel.objects.filter(workspace=workspace):
        spot = (channel.control, channel.permanence)
        nudge = seen.get(spot, 0)
        seen[spot] = nudge + 1
        x = margin + (channel.control - 1) / 9 * span
        y = size - margin - (channel.permanence - 1) / 9 * span + nudge * 14
        points.append(ChartPoint(channel=channel, x=round(x, 1), y=round(y, 1),
                                 risky=channel.risk >= 5))  # fmt: skip
    return points
