"""API: the workspace's listening settings."""

from __future__ import annotations

from ninja import Field, Schema

from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.listening import services
from touchbase.listening.api.base import router
from touchbase.listening.models import ListeningSettings
from touchbase.listening.rules import rules_request


class SettingsOut(Schema):
    removal_min_ratings: int = Field(
        description="Ratings before a product can be proposed for removal"
    )
    response_sla_hours: int = Field(description="Negative mentions are due within these hours")
    invitation_gap_days: int = Field(description="At most one review invitation per customer")
    invitations_enabled: bool


class SettingsPatch(Schema):
    """Where alerts go is set at /listening/alert-settings."""

    removal_min_ratings: int | None = None
    response_sla_hours: int | None = None
    invitation_gap_days: int | None = None
    invitations_enabled: bool | None = None


@router.get("/listening/settings", response=SettingsOut, summary="Listening settings")
@api_capability(Capability.LISTENING_VIEW)
def settings_get(request: MemberRequest) -> ListeningSettings:
    return services.listening_settings(workspace=request.workspace)


@router.patch("/listening/settings", response=SettingsOut, summary="Change listening settings")
@api_capability(Capability.LISTENING_MANAGE)
def settings_update(request: MemberRequest, payload: SettingsPatch) -> ListeningSettings:
    changes = {name: value for name, value in payload.dict(exclude_unset=True).items()
               if value is not None}  # fmt: skip
    found = services.listening_settings_save(workspace=request.workspace, **changes)
    rules_request(workspace=request.workspace)
    return found
