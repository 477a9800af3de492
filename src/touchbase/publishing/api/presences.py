"""API: the company's online presences, who answers there, and the audit's checks of each.

A presence's owner is named by user id and must be a member of the workspace (else a field
error on "owner_id"). The owner, or a member with the manage capability, confirms that the
messages waiting there were answered.
"""

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
from touchbase.core.tenancy import owned_or_404
from touchbase.publishing import reach_services
from touchbase.publishing.api.base import MemberRef, member_ref, own_or_manage, router
from touchbase.publishing.choices import CheckOutcome, PresenceKind
from touchbase.publishing.models_reach import Presence, PresenceCheck


class PresenceOut(Schema):
    id: int
    kind: PresenceKind
    name: str
    url: str
    owner: MemberRef | None = Field(description="Who answers messages and reviews there")
    check_every_days: int
    answer_within_days: int = Field(description="Answered at least this often")
    answered_at: dt.datetime | None = Field(description="When the owner last confirmed")
    last_checked_at: dt.datetime | None
    last_outcome: CheckOutcome | None = Field(description="null until the first check")
    next_check_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_last_outcome(presence: Presence) -> str | None:
        return presence.last_outcome or None


class PresencePage(Schema):
    items: list[PresenceOut]
    next_offset: int | None


class PresenceIn(Schema):
    kind: PresenceKind
    name: str = Field(min_length=1, max_length=150)
    url: str = Field(min_length=1, max_length=500, description="https://…")
    owner_id: Id | None = Field(None, description="The member who answers there")
    check_every_days: int = Field(7, ge=1, le=90)
    answer_within_days: int = Field(14, ge=1, le=365)


class PresencePatch(Schema):
    kind: PresenceKind | None = None
    name: str | None = Field(None, min_length=1, max_length=150)
    url: str | None = Field(None, min_length=1, max_length=500)
    owner_id: Id | None = Field(None, description="null: nobody answers there")
    check_every_days: int | None = Field(None, ge=1, le=90)
    answer_within_days: int | None = Field(None, ge=1, le=365)


class PresenceFilters(PageParams):
    kind: PresenceKind | None = None
    owner_id: Id | None = Field(None, description="Only the presences this member answers")


class CheckOut(Schema):
    id: int
    checked_at: dt.datetime
    outcome: CheckOutcome
    status: int | None = Field(description="The page's HTTP status, when it answered")
    error: str
    phones: list[str] = Field(description="Phone numbers found on the page, E.164")
    emails: list[str] = Field(description="E-mail addresses found on the page")
    findings: list[dict[str, Any]] = Field(description="What differs: code, message, detail")
    changed: bool = Field(description="Differs from the check before")


class CheckPage(Schema):
    items: list[CheckOut]
    next_offset: int | None


def _presence(request: MemberRequest, presence_id: int) -> Presence:
    rows = Presence.objects.select_related("owner")
    return owned_or_404(rows, presence_id, workspace=request.workspace)


def _fields(request: MemberRequest, values: dict[str, Any]) -> dict[str, Any]:
    """Text stripped, the owner a member; a null clears the owner, elsewhere it is refused."""
    fields: dict[str, Any] = {name: value.strip() if isinstance(value, str) else value
                              for name, value in values.items() if name != "owner_id"}  # fmt: skip
    if "owner_id" in values:
        fields["owner"] = member_ref(request.workspace, values["owner_id"], field="owner_id")
    empty = [name for name, value in fields.items() if value is None and name != "owner"]
    if empty:
        raise ValidationError({name: _("This field cannot be empty.") for name in empty})
    return fields


def _saved(request: MemberRequest, presence: Presence | None, fields: dict[str, Any]) -> Presence:
    saved = reach_services.presence_save(
        workspace=request.workspace, presence=presence, fields=fields
    )
    return _presence(request, saved.pk)


@router.get("/publishing/presences", response=PresencePage,
            summary="Online presences by kind and name, each with its last check")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def presence_list(request: MemberRequest, filters: Query[PresenceFilters]) -> dict[str, Any]:
    rows = Presence.objects.filter(workspace=request.workspace).select_related("owner")
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.owner_id is not None:
        rows = rows.filter(owner_id=filters.owner_id)
    rows = rows.order_by("kind", "name", "id")
    return page_of_rows(list(rows[filters.offset : filters.offset + filters.limit + 1]), filters)


@router.post("/publishing/presences", response={201: PresenceOut},
             summary="Register a presence; the audit checks it at its next run")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def presence_create(request: MemberRequest, payload: PresenceIn) -> Status[Presence]:
    return Status(201, _saved(request, None, _fields(request, payload.dict())))


@router.get("/publishing/presences/{presence_id}", response=PresenceOut, summary="One presence")
@api_capability(Capability.PUBLISHING_VIEW)
def presence_get(request: MemberRequest, presence_id: Id) -> Presence:
    return _presence(request, presence_id)


@router.patch("/publishing/presences/{presence_id}", response=PresenceOut,
              summary="Change some fields; a new address is checked soon")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def presence_update(request: MemberRequest, presence_id: Id, payload: PresencePatch) -> Presence:
    presence = _presence(request, presence_id)
    return _saved(request, presence, _fields(request, payload.dict(exclude_unset=True)))


@router.delete("/publishing/presences/{presence_id}", response={204: None},
               summary="Remove a presence and its check history")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def presence_delete(request: MemberRequest, presence_id: Id) -> Status[None]:
    reach_services.presence_delete(presence=_presence(request, presence_id))
    return Status(204, None)


@router.get("/publishing/presences/{presence_id}/checks", response=CheckPage,
            summary="The audit's checks of this presence, newest first")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def presence_checks(
    request: MemberRequest, presence_id: Id, page: Query[PageParams]
) -> dict[str, Any]:
    presence = _presence(request, presence_id)
    rows = PresenceCheck.objects.filter(presence=presence).order_by("-checked_at", "-id")
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.post("/publishing/presences/{presence_id}/answered", response=PresenceOut,
             summary="Confirm the messages and reviews there are answered (its owner, or a "
             "member with the manage capability)")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def presence_answered(request: MemberRequest, presence_id: Id) -> Presence:
    presence = _presence(request, presence_id)
    own_or_manage(request, presence.owner_id)
    reach_services.presence_answered(presence=presence)
    return _presence(request, presence.pk)


@router.post("/publishing/presences/{presence_id}/check", response=PresenceOut,
             summary="Check it at the worker's next tick (within a minute), with the usual "
             "limits; read the result from its checks")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def presence_check_now(request: MemberRequest, presence_id: Id) -> Presence:
    presence = _presence(request, presence_id)
    reach_services.presence_check_soon(presence=presence)
    return _presence(request, presence.pk)
