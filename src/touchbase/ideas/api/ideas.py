"""API: ideas (list, top, one, create, edit, status and answer, moderation, merging)."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet
from ninja import Field, Query, Schema, Status

from touchbase.catalogue.models import Product
from touchbase.core.api.errors import fields_named
from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.models import Workspace
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_ref
from touchbase.ideas import selectors, services
from touchbase.ideas.api.base import (
    IDEA_RELATED,
    IdeaDetail,
    IdeaOut,
    IdeaStateFilter,
    evidence_source,
    idea_detail,
    idea_row,
    router,
)
from touchbase.ideas.choices import IdeaSort, IdeaStatus
from touchbase.ideas.models import MAX_ANSWER_LENGTH, MAX_TEXT_LENGTH, MAX_TITLE_LENGTH, Idea
from touchbase.relationships.models import Contact

MAX_TOP = 100


class IdeaPage(Schema):
    items: list[IdeaOut]
    next_offset: int | None


class IdeaFilters(PageParams):
    product_id: int | None = None
    status: IdeaStatus | None = None
    sort: IdeaSort = IdeaSort.TOP
    q: str = Field("", max_length=selectors.MAX_QUERY_LENGTH, description="Words in title or text")
    state: IdeaStateFilter | None = Field(
        None, description="public, pending or hidden; all but merged ideas when left out"
    )


class IdeaTopFilters(Schema):
    product_id: int | None = None
    by: Literal["votes", "value"] = "votes"
    limit: int = Field(20, ge=1, le=MAX_TOP)


class IdeaTopOut(Schema):
    id: int
    title: str
    status: str
    product_id: int | None
    votes: int
    customers: int = Field(description="Customers behind it: an account counts once")
    value: int = Field(description="The annual value of the customers behind it (EUR)")


class IdeaIn(Schema):
    title: str = Field(max_length=MAX_TITLE_LENGTH)
    text: str = Field("", max_length=MAX_TEXT_LENGTH)
    product_id: int | None = None
    contact_id: int | None = Field(None, description="The customer it came from")


class IdeaPatch(Schema):
    title: str | None = Field(None, max_length=MAX_TITLE_LENGTH)
    text: str | None = Field(None, max_length=MAX_TEXT_LENGTH)
    product_id: int | None = Field(None, description="null takes the product away")


class EvidenceIdeaIn(Schema):
    title: str = Field(max_length=MAX_TITLE_LENGTH)
    text: str = Field("", max_length=MAX_TEXT_LENGTH)
    product_id: int | None = None
    mention_id: int | None = None
    touchpoint_id: int | None = None


class IdeaStatusIn(Schema):
    status: IdeaStatus
    answer: str = Field("", max_length=MAX_ANSWER_LENGTH)


class IdeaMergeIn(Schema):
    target_id: int = Field(description="The idea the duplicate goes into")


def product_ref(workspace: Workspace, product_id: int | None) -> Product | None:
    if product_id is None:
        return None
    return owned_ref(Product, product_id, workspace=workspace, field="product_id")


def _listed(workspace: Workspace, filters: IdeaFilters) -> QuerySet[Idea]:
    wanted = selectors.IdeaFilter(
        sort=filters.sort, product_id=filters.product_id, status=filters.status or "",
        q=filters.q,
    )  # fmt: skip
    public = filters.state == IdeaStateFilter.PUBLIC
    rows = selectors.ideas_filtered(workspace=workspace, wanted=wanted, listed=public)
    if filters.state == IdeaStateFilter.PENDING:
        rows = rows.filter(published_at=None, hidden_at=None)
    elif filters.state == IdeaStateFilter.HIDDEN:
        rows = rows.filter(hidden_at__isnull=False)
    return rows


# Literal paths first: /ideas/top must not be read as /ideas/{idea_id}.


@router.get(
    "/ideas/top", response=list[IdeaTopOut],
    summary="Top ideas of a product (or all): by votes or by the customers' value",
)  # fmt: skip
@api_capability(Capability.IDEAS_VIEW)
def idea_top(request: MemberRequest, filters: Query[IdeaTopFilters]) -> list[IdeaTopOut]:
    product_ref(request.workspace, filters.product_id)
    ranked = selectors.top_ideas(
        workspace=request.workspace, product_id=filters.product_id, by=filters.by,
        limit=filters.limit,
    )  # fmt: skip
    return [
        IdeaTopOut(
            id=row.idea.pk,
            title=row.idea.title,
            status=row.idea.status,
            product_id=row.idea.product_id,
            votes=row.idea.vote_count,
            customers=row.customers,
            value=row.value,
        )  # fmt: skip
        for row in ranked
    ]


@router.post(
    "/ideas/from-evidence", response={201: IdeaDetail},
    summary="A new idea from a mention or a touchpoint's note, attached as evidence",
)  # fmt: skip
@api_capability(Capability.IDEAS_MODERATE)
def idea_from_evidence(request: MemberRequest, payload: EvidenceIdeaIn) -> Status[Idea]:
    workspace = request.workspace
    product = product_ref(workspace, payload.product_id)
    mention, touchpoint = evidence_source(workspace, payload.mention_id, payload.touchpoint_id)
    with fields_named(product="product_id", contact="contact_id"):
        idea = services.idea_from_evidence(
            workspace=workspace, by=request.user, title=payload.title, text=payload.text,
            product=product, mention=mention, touchpoint=touchpoint,
        )  # fmt: skip
    return Status(201, idea_detail(idea))


@router.get("/ideas", response=IdeaPage, summary="Ideas, with filters; most voted first")
@api_capability(Capability.IDEAS_VIEW)
def idea_list(request: MemberRequest, filters: Query[IdeaFilters]) -> dict[str, Any]:
    product_ref(request.workspace, filters.product_id)
    rows = _listed(request.workspace, filters).select_related(*IDEA_RELATED)
    return page_of_rows(list(rows[filters.offset : filters.offset + filters.limit + 1]), filters)


@router.post(
    "/ideas", response={201: IdeaDetail},
    summary="Write an idea down as a member (for a customer, with contact_id)",
)  # fmt: skip
@api_capability(Capability.IDEAS_MODERATE)
def idea_create(request: MemberRequest, payload: IdeaIn) -> Status[Idea]:
    workspace = request.workspace
    product = product_ref(workspace, payload.product_id)
    contact = (
        owned_ref(Contact, payload.contact_id, workspace=workspace, field="contact_id")
        if payload.contact_id is not None
        else None
    )
    with fields_named(product="product_id", contact="contact_id"):
        idea = services.idea_create(
            workspace=workspace, by=request.user, title=payload.title, text=payload.text,
            product=product, contact=contact,
        )  # fmt: skip
    return Status(201, idea_detail(idea))


@router.get(
    "/ideas/{idea_id}", response=IdeaDetail,
    summary="One idea, with the customers behind it",
)  # fmt: skip
@api_capability(Capability.IDEAS_VIEW)
def idea_get(request: MemberRequest, idea_id: Id) -> Idea:
    return idea_detail(idea_row(request.workspace, idea_id))


@router.patch(
    "/ideas/{idea_id}", response=IdeaDetail,
    summary="Correct an idea's title, text or product",
)  # fmt: skip
@api_capability(Capability.IDEAS_MODERATE)
def idea_update(request: MemberRequest, idea_id: Id, payload: IdeaPatch) -> Idea:
    idea = idea_row(request.workspace, idea_id)
    given = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = {
        name: given[name] for name in ("title", "text") if given.get(name) is not None
    }
    if "product_id" in given:
        changes["product"] = product_ref(request.workspace, given["product_id"])
    with fields_named(product="product_id"):
        services.idea_edit(idea=idea, changes=changes)
    return idea_detail(idea)


@router.post(
    "/ideas/{idea_id}/status", response=IdeaDetail,
    summary="Set the status and the official answer (subscribers are told)",
)  # fmt: skip
@api_capability(Capability.IDEAS_MODERATE)
def idea_status(request: MemberRequest, idea_id: Id, payload: IdeaStatusIn) -> Idea:
    idea = idea_row(request.workspace, idea_id)
    services.status_set(idea=idea, status=payload.status, answer=payload.answer, by=request.user)
    return idea_detail(idea)


@router.post("/ideas/{idea_id}/hide", response=IdeaDetail, summary="Hide an idea from the portal")
@api_capability(Capability.IDEAS_MODERATE)
def idea_hide(request: MemberRequest, idea_id: Id) -> Idea:
    return idea_detail(services.idea_hide(idea=idea_row(request.workspace, idea_id), hidden=True))


@router.post("/ideas/{idea_id}/unhide", response=IdeaDetail, summary="Show a hidden idea again")
@api_capability(Capability.IDEAS_MODERATE)
def idea_unhide(request: MemberRequest, idea_id: Id) -> Idea:
    return idea_detail(services.idea_hide(idea=idea_row(request.workspace, idea_id), hidden=False))


@router.post(
    "/ideas/{idea_id}/lock", response=IdeaDetail,
    summary="Lock an idea: no more votes or comments",
)  # fmt: skip
@api_capability(Capability.IDEAS_MODERATE)
def idea_lock(request: MemberRequest, idea_id: Id) -> Idea:
    return idea_detail(services.idea_lock(idea=idea_row(request.workspace, idea_id), locked=True))


@router.post("/ideas/{idea_id}/unlock", response=IdeaDetail, summary="Open a locked idea again")
@api_capability(Capability.IDEAS_MODERATE)
def idea_unlock(request: MemberRequest, idea_id: Id) -> Idea:
    return idea_detail(services.idea_lock(idea=idea_row(request.workspace, idea_id), locked=False))


@router.post(
    "/ideas/{idea_id}/merge", response=IdeaDetail,
    summary="Merge a duplicate into another idea; answers with the idea it went into",
)  # fmt: skip
@api_capability(Capability.IDEAS_MANAGE)
def idea_merge(request: MemberRequest, idea_id: Id, payload: IdeaMergeIn) -> Idea:
    source = idea_row(request.workspace, idea_id)
    target = owned_ref(Idea, payload.target_id, workspace=request.workspace, field="target_id")
    with fields_named(target="target_id"):
        merged = services.idea_merge(source=source, target=target, by=request.user)
    return idea_detail(merged)
