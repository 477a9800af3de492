"""API: evidence, what customers said that supports an idea (mentions, touchpoints' notes)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Schema, Status

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.ideas import services
from touchbase.ideas.api.base import IdeaEvidenceOut, evidence_source, idea_row, router
from touchbase.ideas.models import MAX_TEXT_LENGTH, Evidence


class IdeaEvidencePage(Schema):
    items: list[IdeaEvidenceOut]
    next_offset: int | None


class IdeaEvidenceIn(Schema):
    mention_id: int | None = None
    touchpoint_id: int | None = None
    quote: str = Field(
        "", max_length=MAX_TEXT_LENGTH,
        description="What they said; the mention's text or the note when empty",
    )  # fmt: skip


@router.get(
    "/ideas/{idea_id}/evidence", response=IdeaEvidencePage,
    summary="What customers said that supports the idea, newest first",
)  # fmt: skip
@api_capability(Capability.IDEAS_VIEW)
def evidence_list(request: MemberRequest, idea_id: Id, page: Query[PageParams]) -> dict[str, Any]:
    idea = idea_row(request.workspace, idea_id)
    rows = Evidence.objects.filter(idea=idea).order_by("-created_at", "-id")
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.post(
    "/ideas/{idea_id}/evidence", response={201: IdeaEvidenceOut},
    summary="Attach a mention or a touchpoint's note to the idea (once each)",
)  # fmt: skip
@api_capability(Capability.IDEAS_MODERATE)
def evidence_attach(
    request: MemberRequest, idea_id: Id, payload: IdeaEvidenceIn
) -> Status[Evidence]:
    idea = idea_row(request.workspace, idea_id)
    mention, touchpoint = evidence_source(
        request.workspace, payload.mention_id, payload.touchpoint_id
    )
    evidence = services.evidence_attach(
        idea=idea, by=request.user, mention=mention, touchpoint=touchpoint, quote=payload.quote
    )
    return Status(201, evidence)
