"""API endpoints of the platform: who am I, my preferences, members and invitations."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema, Status

from touchbase.core import services
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.choices import DigestFrequency, Language, Role
from touchbase.core.models import Invitation, Membership
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404

router = Router(tags=["platform"])


class MeOut(Schema):
    username: str
    name: str
    email: str
    language: str
    workspace: str
    role: str
    digest_frequency: str


class PreferencesIn(Schema):
    language: Language
    digest_frequency: DigestFrequency


def _me(request: MemberRequest) -> MeOut:
    membership = request.membership
    user = membership.user
    return MeOut(
        username=user.username,
        name=user.display_name,
        email=user.email,
        language=user.language,
        workspace=membership.workspace.name,
        role=membership.role,
        digest_frequency=membership.digest_frequency,
    )


@router.get("/me", response=MeOut, summary="The member behind the token")
def me(request: MemberRequest) -> MeOut:
    return _me(request)


@router.put("/me/preferences", response=MeOut, summary="Set language and digest frequency")
def preferences_update(request: MemberRequest, payload: PreferencesIn) -> MeOut:
    services.member_preferences_update(
        membership=request.membership,
        language=payload.language,
        digest_frequency=payload.digest_frequency,
    )
    return _me(request)


# --- members and invitations ------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    username: str
    name: str
    email: str
    role: str


class RoleIn(Schema):
    role: Role


class InvitationIn(Schema):
    email: str = Field(..., max_length=254)
    role: Role = Role.STAFF
    language: Language = Language.ENGLISH


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    language: str
    created_at: dt.datetime
    expires_at: dt.datetime


def _member_out(membership: Membership) -> MemberOut:
    user = membership.user
    return MemberOut(id=membership.pk, username=user.username, name=user.display_name,
                     email=user.email, role=membership.role)  # fmt: skip


@router.get("/members", response=list[MemberOut], summary="Members of the workspace")
@api_capability(Capability.MEMBERS_MANAGE)
def member_list(request: MemberRequest) -> list[MemberOut]:
    members = Membership.objects.filter(workspace=request.workspace).select_related("user")
    return [_member_out(m) for m in members.order_by("user__username")]


@router.patch("/members/{membership_id}", response=MemberOut, summary="Change a member's role")
@api_capability(Capability.MEMBERS_MANAGE)
def member_update(request: MemberRequest, membership_id: Id, payload: RoleIn) -> MemberOut:
    membership = owned_or_404(Membership, membership_id, workspace=request.workspace)
    return _member_out(services.member_role_change(membership=membership, role=payload.role))


@router.delete("/members/{membership_id}", response={204: None}, summary="Remove a member")
@api_capability(Capability.MEMBERS_MANAGE)
def member_delete(request: MemberRequest, membership_id: Id) -> Status[None]:
    membership = owned_or_404(Membership, membership_id, workspace=request.workspace)
    services.member_remove(membership=membership)
    return Status(204, None)


@router.get("/invitations", response=list[InvitationOut], summary="Open invitations")
@api_capability(Capability.MEMBERS_MANAGE)
def invitation_list(request: MemberRequest) -> list[Invitation]:
    return list(Invitation.objects.filter(workspace=request.workspace, accepted_at=None))


@router.post("/invitations", response={201: InvitationOut}, summary="Invite someone by e-mail")
@api_capability(Capability.MEMBERS_MANAGE)
def invitation_create(request: MemberRequest, payload: InvitationIn) -> Status[Invitation]:
    invitation = services.invitation_create(
        workspace=request.workspace, email=payload.email, role=payload.role,
        language=payload.language, by=request.user,
    )  # fmt: skip
    return Status(201, invitation)


@router.delete("/invitations/{invitation_id}", response={204: None},
               summary="Withdraw an open invitation")  # fmt: skip
@api_capability(Capability.MEMBERS_MANAGE)
def invitation_delete(request: MemberRequest, invitation_id: Id) -> Status[None]:
    invitation = owned_or_404(Invitation, invitation_id, workspace=request.workspace)
    services.invitation_revoke(invitation=invitation)
    return Status(204, None)
