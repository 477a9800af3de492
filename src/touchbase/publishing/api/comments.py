"""API: comments on the news page — read, let through or reject, answer, delete."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404, owned_ref
from touchbase.publishing import services
from touchbase.publishing.api.base import router
from touchbase.publishing.choices import CommentState
from touchbase.publishing.models import MAX_COMMENT_LENGTH, Draft, NewsComment


class NewsCommentOut(Schema):
    id: int
    draft_id: int
    post_title: str = Field(description="The published title of the post it is on")
    author_kind: str = Field(description="visitor or member")
    author_name: str = Field(description="The public name; never a visitor's e-mail address")
    text: str
    state: CommentState
    reply_to_id: int | None
    created_at: dt.datetime
    moderated_at: dt.datetime | None

    @staticmethod
    def resolve_post_title(comment: NewsComment) -> str:
        return comment.draft.public_title

    @staticmethod
    def resolve_author_kind(comment: NewsComment) -> str:
        return "visitor" if comment.visitor_id is not None else "member"


class NewsCommentPage(Schema):
    items: list[NewsCommentOut]
    next_offset: int | None


class NewsCommentFilters(PageParams):
    state: CommentState | None = Field(None, description="All states when left out")
    draft_id: int | None = Field(None, description="Only the comments on this post")


class ModerateIn(Schema):
    show: bool = Field(description="true shows the comment, false rejects it")


class ReplyIn(Schema):
    text: str = Field(max_length=MAX_COMMENT_LENGTH)


def _comment(request: MemberRequest, comment_id: int) -> NewsComment:
    rows = NewsComment.objects.select_related("draft")
    return owned_or_404(rows, comment_id, workspace=request.workspace)


def _text(text: str) -> str:
    if not text.strip():
        raise ValidationError({"text": _("Write a reply.")})
    return text


@router.get("/publishing/comments", response=NewsCommentPage,
            summary="Comments on the news page, newest first; filter by state or post")  # fmt: skip
@api_capability(Capability.PUBLISHING_MODERATE)
def comment_list(request: MemberRequest, filters: Query[NewsCommentFilters]) -> dict[str, Any]:
    rows = NewsComment.objects.filter(workspace=request.workspace).select_related("draft")
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.draft_id is not None:
        draft = owned_ref(Draft, filters.draft_id, workspace=request.workspace, field="draft_id")
        rows = rows.filter(draft=draft)
    rows = rows.order_by("-created_at", "-id")
    return page_of_rows(list(rows[filters.offset : filters.offset + filters.limit + 1]), filters)


@router.post("/publishing/comments/{comment_id}/moderate", response=NewsCommentOut,
             summary="Show a confirmed comment on the news page, or reject it")  # fmt: skip
@api_capability(Capability.PUBLISHING_MODERATE)
def comment_moderate(request: MemberRequest, comment_id: Id, payload: ModerateIn) -> NewsComment:
    comment = _comment(request, comment_id)
    services.comment_moderate(comment=comment, actor=request.user, show=payload.show)
    return _comment(request, comment.pk)


@router.post("/publishing/comments/{comment_id}/reply", response={201: NewsCommentOut},
             summary="Answer a comment in public, under your name")  # fmt: skip
@api_capability(Capability.PUBLISHING_MODERATE)
def comment_reply(request: MemberRequest, comment_id: Id, payload: ReplyIn) -> Status[NewsComment]:
    comment = _comment(request, comment_id)
    reply = services.comment_reply(draft=comment.draft, member=request.user,
                                   text=_text(payload.text), reply_to=comment)  # fmt: skip
    return Status(201, _comment(request, reply.pk))


@router.delete("/publishing/comments/{comment_id}", response={204: None},
               summary="Delete a comment (and the replies to it)")  # fmt: skip
@api_capability(Capability.PUBLISHING_MODERATE)
def comment_delete(request: MemberRequest, comment_id: Id) -> Status[None]:
    services.comment_delete(comment=_comment(request, comment_id))
    return Status(204, None)
