"""The publishing router, and what its operations share: output schemas and row lookups."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from touchbase.core.capabilities import Capability, has_capability
from touchbase.core.models import Membership, User, Workspace
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404, owned_ref
from touchbase.publishing.models import Channel, Draft

router = Router(tags=["publishing"])


MAX_REFS = 50


class MemberRef(Schema):
    id: int = Field(description="The member's user id")
    name: str

    @staticmethod
    def resolve_name(user: User) -> str:
        return user.display_name


class ChannelOut(Schema):
    id: int
    key: str = Field(description="Set on the shipped default channels only")
    name: str
    kind: str
    permanence: int = Field(description="1–10: how long what goes out stays retrievable")
    control: int = Field(description="1–10: how far we can still change or withdraw it")
    explanation: str
    risk: int = Field(description="Reviewers this channel alone asks for: permanence − control")


class ChannelRef(Schema):
    id: int | None
    name: str


def draft_row(workspace: Workspace, draft_id: int) -> Draft:
    """The workspace's draft, or 404."""
    return owned_or_404(Draft.objects.select_related("author"), draft_id, workspace=workspace)


def channel_refs(workspace: Workspace, ids: list[int], *, field: str = "channels") -> list[Channel]:
    """The channels a body names, each of this workspace (else a field error), in order, once."""
    seen: dict[int, Channel] = {}
    for channel_id in ids:
        if channel_id not in seen:
            seen[channel_id] = owned_ref(Channel, channel_id, workspace=workspace, field=field)
    return list(seen.values())


def member_ref(workspace: Workspace, user_id: int | None, *, field: str) -> User | None:
    """A member of the workspace a body names by user id (None stays None), else a field error."""
    if user_id is None:
        return None
    membership = (
        Membership.objects.filter(workspace=workspace, user_id=user_id)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError({field: _("Choose a member of this workspace.")})
    return membership.user


def own_or_manage(request: MemberRequest, user_id: int | None) -> None:
    """Members act on what is theirs; acting for a colleague needs the manage capability."""
    if user_id != request.user.pk and not has_capability(request, Capability.PUBLISHING_MANAGE):
        raise HttpError(403, str(_("Your role does not allow this.")))


class FindingOut(Schema):
    code: str = Field(description="Stable, for programs")
    message: str = Field(description="The problem in words, in the caller's language")
    detail: str = Field(description="What it is about, e.g. the phrase or number found")
