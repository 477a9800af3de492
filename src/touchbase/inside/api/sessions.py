"""API: AMA sessions — listing, scheduling, closing, inviting customers, join links."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.errors import HttpError

from touchbase.core.api.errors import fields_named
from touchbase.core.api.pagination import page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.inside import ama, mails, selectors
from touchbase.inside.api.base import (
    may_moderate,
    member_ref,
    require_moderator,
    router,
    session_out,
    session_row,
)
from touchbase.inside.models import AmaSession
from touchbase.inside.schemas import (
    AmaInvitedOut,
    AmaInviteIn,
    AmaJoinLinkOut,
    AmaSessionClosedOut,
    AmaSessionFilters,
    AmaSessionIn,
    AmaSessionOut,
    AmaSessionPage,
)
from touchbase.relationships.models import Contact


def _out(request: MemberRequest, session: AmaSession) -> dict[str, Any]:
    return session_out(session, moderator=may_moderate(request, session))


def _save(request: MemberRequest, payload: AmaSessionIn, session: AmaSession | None) -> AmaSession:
    """References first (422 naming the field), then the service's own checks."""
    workspace = request.workspace
    leader = member_ref(workspace, payload.leader_id, field="leader_id")
    moderators = [
        member_ref(workspace, user_id, field="moderator_ids") for user_id in payload.moderator_ids
    ]
    return ama.ama_session_save(
        workspace=workspace, by=request.user, title=payload.title, leader=leader,
        starts_at=payload.starts_at, ends_at=payload.ends_at, audience=payload.audience,
        description=payload.description, anonymous_allowed=payload.anonymous_allowed,
        moderators=moderators, session=session,
    )  # fmt: skip


@router.get("/inside/ama/sessions", response=AmaSessionPage,
            summary="AMA sessions; filter upcoming, live or past")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def session_list(request: MemberRequest, filters: Query[AmaSessionFilters]) -> dict[str, Any]:
    rows = selectors.session_rows(workspace=request.workspace, when=filters.when)
    rows = rows.prefetch_related("moderators")
    found = list(rows[filters.offset : filters.offset + filters.limit + 1])
    page = page_of_rows(found, filters)
    page["items"] = [_out(request, session) for session in page["items"]]
    return page


@router.post("/inside/ama/sessions", response={201: AmaSessionOut},
             summary="Schedule an AMA session")  # fmt: skip
@api_capability(Capability.INSIDE_MANAGE)
def session_create(request: MemberRequest, payload: AmaSessionIn) -> Status[dict[str, Any]]:
    session = _save(request, payload, None)
    return Status(201, _out(request, session_row(request, session.pk)))


@router.get("/inside/ama/sessions/{session_id}", response=AmaSessionOut,
            summary="One AMA session")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def session_get(request: MemberRequest, session_id: Id) -> dict[str, Any]:
    return _out(request, session_row(request, session_id))


@router.put("/inside/ama/sessions/{session_id}", response=AmaSessionOut,
            summary="Change a session that is not closed")  # fmt: skip
@api_capability(Capability.INSIDE_MANAGE)
def session_update(request: MemberRequest, session_id: Id, payload: AmaSessionIn) -> dict[str, Any]:
    session = session_row(request, session_id)
    _save(request, payload, session)
    return _out(request, session_row(request, session_id))


@router.post(
    "/inside/ama/sessions/{session_id}/close", response=AmaSessionClosedOut,
    summary="Close a session: its open questions become follow-ups for the leader "
    "(leader, moderators and managers)",
)  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def session_close(request: MemberRequest, session_id: Id) -> dict[str, Any]:
    session = session_row(request, session_id)
    require_moderator(request, session)
    created = ama.ama_close(session=session)
    return {"session": _out(request, session_row(request, session_id)), "follow_ups": len(created)}


@router.post(
    "/inside/ama/sessions/{session_id}/invitations", response=AmaInvitedOut,
    summary="Mail customers (by contact id) a personal join link",
)  # fmt: skip
@api_capability(Capability.INSIDE_MANAGE)
def session_invite(request: MemberRequest, session_id: Id, payload: AmaInviteIn) -> dict[str, int]:
    session = session_row(request, session_id)
    wanted = set(payload.contact_ids)
    contacts = list(Contact.objects.filter(workspace=request.workspace, pk__in=wanted))
    if len(contacts) != len(wanted):
        raise ValidationError({"contact_ids": _("Choose customers of this workspace.")})
    with fields_named(contacts="contact_ids"):
        return {"invited": ama.ama_customers_invite(session=session, contacts=contacts)}


@router.get(
    "/inside/ama/sessions/{session_id}/join-link", response={200: AmaJoinLinkOut},
    summary="The shared join link for guests of a session open to customers",
)  # fmt: skip
@api_capability(Capability.INSIDE_MANAGE)
def session_join_link(request: MemberRequest, session_id: Id) -> dict[str, str]:
    session = session_row(request, session_id)
    if not session.customers_invited:
        raise ValidationError({"audience": _("This session is for members only.")})
    try:
        return {"url": mails.join_url(session=session)}
    except NoReverseMatch as error:
        # The public page for guests is not installed: say so rather than fail.
        raise HttpError(503, _("Join links are not available yet.")) from error


@router.delete("/inside/ama/sessions/{session_id}/join-link", response={204: None},
               summary="Withdraw every join link sent so far (guests already in stay)")  # fmt: skip
@api_capability(Capability.INSIDE_MANAGE)
def session_join_links_withdraw(request: MemberRequest, session_id: Id) -> Status[None]:
    ama.join_links_withdraw(session=session_row(request, session_id))
    return Status(204, None)
