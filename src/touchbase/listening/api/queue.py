"""API: the response queue, replies, owners, closing, and the answer figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.models import User
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.listening import answers, figures, queue, services
from touchbase.listening.api.base import router
from touchbase.listening.api.mentions import MentionOut
from touchbase.listening.choices import CloseReason, ReplyChannel
from touchbase.listening.models import MAX_TEXT_LENGTH, Mention, Reply


class QueueItemOut(Schema):
    mention: MentionOut
    overdue: bool
    seconds_to_due: int = Field(description="Negative when the answer is overdue")
    clock: str = Field(description="The clock in words, in the caller's language")

    @staticmethod
    def resolve_overdue(item: queue.QueueItem) -> bool:
        return item.clock.is_overdue

    @staticmethod
    def resolve_seconds_to_due(item: queue.QueueItem) -> int:
        return item.clock.seconds

    @staticmethod
    def resolve_clock(item: queue.QueueItem) -> str:
        return item.clock.text


class QueuePage(Schema):
    items: list[QueueItemOut]
    next_offset: int | None


class QueueFilters(PageParams):
    owner_id: int | None = Field(None, ge=1, description="Only this member's mentions")
    mine: bool = Field(False, description="Only the caller's mentions")
    unassigned: bool = Field(False, description="Only mentions nobody was given")
    overdue: bool = Field(False, description="Only mentions past their due time")
    latest_first: bool = Field(False, description="Due latest first (default: soonest first)")


class ReplyOut(Schema):
    id: int
    mention_id: int
    by_id: int | None
    text: str
    channel: ReplyChannel
    created_at: dt.datetime
    touchpoint_id: int | None = Field(description="On the customer's timeline; none without one")


class ReplyPage(Schema):
    items: list[ReplyOut]
    next_offset: int | None


class ReplyIn(Schema):
    text: str = Field("", max_length=MAX_TEXT_LENGTH)
    channel: ReplyChannel = ReplyChannel.SOURCE


class MentionPatch(Schema):
    owner_id: int | None = Field(None, description="The member who answers it; null: nobody")


class CloseIn(Schema):
    reason: CloseReason
    note: str = Field("", max_length=answers.MAX_NOTE_LENGTH)


class TallyOut(Schema):
    received: int = Field(description="Mentions to answer, not closed")
    answered: int
    silent: int = Field(description="Not answered, past their due time")
    waiting: int = Field(description="Not answered, still within their time")
    closed: int = Field(description="Closed without an answer (spam, not about us)")
    response_rate: float | None
    silence_rate: float | None
    median_hours_to_first_answer: float | None


class WeekOut(TallyOut):
    week: dt.date = Field(description="The week's Monday")


class OwnerFiguresOut(Schema):
    owner_id: int | None = Field(description="null: the team, or mentions nobody was given")
    name: str
    weeks: list[WeekOut]
    total: TallyOut


class FiguresOut(Schema):
    weeks: list[dt.date]
    team: OwnerFiguresOut
    owners: list[OwnerFiguresOut]


class FiguresQuery(Schema):
    weeks: int = Field(8, ge=1, le=figures.MAX_WEEKS)


def _answerer(request: MemberRequest, owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    owner = answers.answerers(workspace=request.workspace).filter(pk=owner_id).first()
    if owner is None:
        raise ValidationError({"owner_id": _("Choose a member who may answer mentions.")})
    return owner


@router.get("/listening/queue", response=QueuePage, summary="The response queue, soonest due first")
@api_capability(Capability.LISTENING_VIEW)
def queue_list(request: MemberRequest, filters: Query[QueueFilters]) -> dict[str, Any]:
    owner_id = request.user.pk if filters.mine else filters.owner_id
    sla_hours = services.listening_settings(workspace=request.workspace).response_sla_hours
    items = queue.queue_page(
        workspace=request.workspace, now=timezone.now(), sla_hours=sla_hours,
        owner_id=owner_id, unassigned=filters.unassigned, overdue=filters.overdue,
        latest_first=filters.latest_first, offset=filters.offset, limit=filters.limit + 1,
    )  # fmt: skip
    return page_of_rows(items, filters)


@router.patch(
    "/listening/mentions/{mention_id}", response=MentionOut,
    summary="Give a mention to the member who answers it",
)  # fmt: skip
@api_capability(Capability.LISTENING_ANSWER)
def mention_update(request: MemberRequest, mention_id: Id, payload: MentionPatch) -> Mention:
    mention = owned_or_404(Mention, mention_id, workspace=request.workspace)
    if "owner_id" in payload.model_fields_set:
        answers.mention_assign(mention=mention, owner=_answerer(request, payload.owner_id))
    return mention


@router.get(
    "/listening/mentions/{mention_id}/replies", response=ReplyPage,
    summary="The replies to a mention, oldest first",
)  # fmt: skip
@api_capability(Capability.LISTENING_VIEW)
def reply_list(request: MemberRequest, mention_id: Id, page: Query[PageParams]) -> dict[str, Any]:
    mention = owned_or_404(Mention, mention_id, workspace=request.workspace)
    rows = Reply.objects.filter(mention=mention).order_by("created_at", "id")
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.post(
    "/listening/mentions/{mention_id}/replies", response={201: ReplyOut},
    summary="Record a reply (the first marks the mention answered; a customer's is a touchpoint)",
)  # fmt: skip
@api_capability(Capability.LISTENING_ANSWER)
def reply_create(request: MemberRequest, mention_id: Id, payload: ReplyIn) -> Status[Reply]:
    mention = owned_or_404(
        Mention.objects.select_related("contact"), mention_id, workspace=request.workspace
    )
    reply = answers.reply_record(
        mention=mention, by=request.user, text=payload.text, channel=payload.channel
    )
    return Status(201, reply)


@router.post(
    "/listening/mentions/{mention_id}/close", response=MentionOut,
    summary="Close a mention without an answer (spam, not about us); counted apart",
)  # fmt: skip
@api_capability(Capability.LISTENING_ANSWER)
def mention_close(request: MemberRequest, mention_id: Id, payload: CloseIn) -> Mention:
    mention = owned_or_404(Mention, mention_id, workspace=request.workspace)
    return answers.mention_close(
        mention=mention, by=request.user, reason=payload.reason, note=payload.note
    )


@router.get(
    "/listening/figures", response=FiguresOut,
    summary="Response rate, median time to first answer and silence rate per owner and week",
)  # fmt: skip
@api_capability(Capability.LISTENING_VIEW)
def figures_get(request: MemberRequest, query: Query[FiguresQuery]) -> dict[str, Any]:
    result = figures.answer_figures(workspace=request.workspace, weeks=query.weeks)
    return {
        "weeks": result.weeks,
        "team": _owner_out(result.weeks, result.team),
        "owners": [_owner_out(result.weeks, owner) for owner in result.owners],
    }


def _owner_out(weeks: list[dt.date], owner: figures.OwnerFigures) -> dict[str, Any]:
    return {
        "owner_id": owner.owner_id,
        "name": owner.name,
        "weeks": [_tally_out(tally, week=monday) for monday, tally in zip(weeks, owner.weeks,
                                                                           strict=True)],
        "total": _tally_out(owner.total),
    }  # fmt: skip


def _tally_out(tally: figures.Tally, **extra: Any) -> dict[str, Any]:
    median = tally.median_hours
    return {
        "received": tally.received, "answered": tally.answered, "silent": tally.silent,
        "waiting": tally.waiting, "closed": tally.closed, "response_rate": tally.response_rate,
        "silence_rate": tally.silence_rate,
        "median_hours_to_first_answer": None if median is None else round(median, 2), **extra,
    }  # fmt: skip
