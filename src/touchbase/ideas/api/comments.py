"""API: comments on ideas (read, write as a member, hide, show again, delete)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Query, Schema, Status

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.ideas import selectors, services
from touchbase.ideas.api.base import IdeaCommentOut, idea_row, router
from touchbase.ideas.models import MAX_COMMENT_LENGTH, Comment


class IdeaCommentPage(Schema):
    items: list[IdeaCommentOut]
    next_offset: int | None


class IdeaCommentFilters(PageParams):
    include_hidden: bool = Field(
        False, description="Also hidden comments and those whose author has not confirmed yet"
    )


class IdeaCommentIn(Schema):
    text: str = Field(max_length=MAX_COMMENT_LENGTH)


def _comment(request: MemberRequest, comment_id: int) -> Comment:
    rows = Comment.objects.select_related("visitor", "member")
    return owned_or_404(rows, comment_id, workspace=request.workspace)


# Literal paths first: /ideas/comments/… must not be read as /ideas/{idea_id}/….


@router.post("/ideas/comments/{comment_id}/hide", response=IdeaCommentOut, summary="Hide a comment")
@api_capability(Capability.IDEAS_MODERATE)
def comment_hide(request: MemberRequest, comment_id: Id) -> Comment:
    comment = services.comment_hide(comment=_comment(request, comment_id), hidden=True)
    return _comment(request, comment.pk)


@router.post("/ideas/comments/{comment_id}/unhide", response=IdeaCommentOut,
             summary="Show a hidden comment again")  # fmt: skip
@api_capability(Capability.IDEAS_MODERATE)
def comment_unhide(request: MemberRequest, comment_id: Id) -> Comment:
    comment = services.comment_hide(comment=_comment(request, comment_id), hidden=False)
    return _comment(request, comment.pk)


@router.delete("/ideas/comments/{comment_id}", response={204: None}, summary="Delete a comment")
@api_capability(Capability.IDEAS_MODERATE)
def comment_delete(request: MemberRequest, comment_id: Id) -> Status[None]:
    services.comment_delete(comment=_comment(request, comment_id))
    return Status(204, None)


@router.get("/ideas/{idea_id}/comments", response=IdeaCommentPage,
            summary="An idea's comments, oldest first")  # fmt: skip
@api_capability(Capability.IDEAS_VIEW)
def comment_list(
    request: MemberRequest, idea_id: Id, filters: Query[IdeaCommentFilters]
) -> dict[str, Any]:
    idea = idea_row(request.workspace, idea_id)
    rows: QuerySet[Comment] = (
        Comment.objects.filter(idea=idea)
        .select_related("visitor", "member")
        .order_by("created_at", "id")
        if filters.include_hidden
        else selectors.comments_public(idea).order_by("created_at", "id")
    )
    return page_of_rows(list(rows[filters.offset : filters.offset + filters.limit + 1]), filters)


@router.post("/ideas/{idea_id}/comments", response={201: IdeaCommentOut},
             summary="Comment as a member (public at once)")  # fmt: skip
@api_capability(Capability.IDEAS_MODERATE)
def comment_create(request: MemberRequest, idea_id: Id, payload: IdeaCommentIn) -> Status[Comment]:
    idea = idea_row(request.workspace, idea_id)
    comment = services.comment_post(idea=idea, text=payload.text, member=request.user)
    return Status(201, _comment(request, comment.pk))
