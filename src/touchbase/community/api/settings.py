"""API: how the workspace runs community help (one settings row, made on first use)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Schema

from touchbase.community import helpers
from touchbase.community.api.base import router
from touchbase.community.helpers import settings_for
from touchbase.community.models import CommunitySettings
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.models import User, Workspace
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import id_or_none


class SettingsOut(Schema):
    signup_open: bool = Field(description="Helpers may apply on the public page")
    requests_open: bool = Field(description="Customers may ask for help on the public page")
    offer_hours: int = Field(description="Hours a helper has to answer an offer")
    terms: str = Field(description="The terms helpers accept when applying; plain text")
    terms_version: int = Field(description="Goes up whenever the terms change")
    support_owner_id: int | None = Field(
        description="The member (user id) who takes escalated jobs; else who finished them"
    )


class SettingsIn(Schema):
    signup_open: bool
    requests_open: bool
    offer_hours: int = Field(ge=1, le=168)
    terms: str = Field(max_length=10000)
    support_owner_id: int | None = Field(None, description="A member's user id, or null")


@transaction.atomic
def _settings_save(*, workspace: Workspace, payload: SettingsIn) -> CommunitySettings:
    owner_id = payload.support_owner_id
    owner = None
    if owner_id is not None:
        owner = User.objects.filter(pk=id_or_none(owner_id) or 0,
                                    memberships__workspace=workspace).first()  # fmt: skip
        if owner is None:
            raise ValidationError({"support_owner_id": _("Choose a member of this workspace.")})
    changes = {"signup_open": payload.signup_open, "requests_open": payload.requests_open,
               "offer_hours": payload.offer_hours, "terms": payload.terms,
               "support_owner": owner}  # fmt: skip
    return helpers.settings_save(workspace=workspace, changes=changes)


@router.get("/community/settings", response=SettingsOut,
            summary="How community help runs in this workspace")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def settings_get(request: MemberRequest) -> CommunitySettings:
    return settings_for(request.workspace)


@router.put("/community/settings", response=SettingsOut,
            summary="Replace the settings (new terms get a new version)")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def settings_replace(request: MemberRequest, payload: SettingsIn) -> CommunitySettings:
    return _settings_save(workspace=request.workspace, payload=payload)
