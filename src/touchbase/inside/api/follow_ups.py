"""API: AMA follow-ups — the questions left open when a session closed, owed by a date."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query
from ninja.errors import HttpError

from touchbase.core.api.pagination import page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability, has_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.inside import ama, selectors
from touchbase.inside.api.base import follow_up_out, may_moderate, member_ref, router
from touchbase.inside.models import AmaFollowUp
from touchbase.inside.schemas import (
    AmaFollowUpFilters,
    AmaFollowUpOut,
    AmaFollowUpPage,
    AmaFollowUpPatch,
)


@router.get(
    "/inside/follow-ups", response=AmaFollowUpPage,
    summary="Follow-ups owed, soonest due first: mine, or everyone's (managers)",
)  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def follow_up_list(request: MemberRequest, filters: Query[AmaFollowUpFilters]) -> dict[str, Any]:
    if filters.everyone and not has_capability(request, Capability.INSIDE_MANAGE):
        raise HttpError(403, _("Only who runs AMA sessions sees everyone's follow-ups."))
    rows = selectors.follow_ups(
        workspace=request.workspace,
        owner=None if filters.everyone else request.user,
        open_only=not filters.done,
    )
    found = list(rows[filters.offset : filters.offset + filters.limit + 1])
    page = page_of_rows(found, filters)
    page["items"] = [follow_up_out(row) for row in page["items"]]
    return page


def _follow_up(request: MemberRequest, follow_up_id: int) -> AmaFollowUp:
    rows = AmaFollowUp.objects.select_related("owner", "question__session",
                                              "question__author__user")  # fmt: skip
    return owned_or_404(rows, follow_up_id, workspace=request.workspace)


@router.patch(
    "/inside/follow-ups/{follow_up_id}", response=AmaFollowUpOut,
    summary="Hand a follow-up to another member or move its due date (its owner, the "
    "session's leader and moderators, managers)",
)  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def follow_up_update(
    request: MemberRequest, follow_up_id: Id, payload: AmaFollowUpPatch
) -> dict[str, Any]:
    follow_up = _follow_up(request, follow_up_id)
    session = follow_up.question.session
    if follow_up.owner_id != request.user.pk and not may_moderate(request, session):
        raise HttpError(403, _("Only its owner and the session's moderators may change this."))
    owner = follow_up.owner
    if payload.owner_id is not None:
        owner = member_ref(request.workspace, payload.owner_id, field="owner_id")
    due_on = payload.due_on or follow_up.due_on
    if payload.due_on is not None and payload.due_on < timezone.localdate():
        raise ValidationError({"due_on": _("Choose a day from today on.")})
    ama.follow_up_save(follow_up=follow_up, owner=owner, due_on=due_on)
    return follow_up_out(_follow_up(request, follow_up_id))
