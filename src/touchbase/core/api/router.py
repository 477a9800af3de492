"""API endpoints of the platform: who am I, and my preferences."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from touchbase.core import services
from touchbase.core.choices import DigestFrequency, Language

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


def _me(request: HttpRequest) -> MeOut:
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
def me(request: HttpRequest) -> MeOut:
    return _me(request)


@router.put("/me/preferences", response=MeOut, summary="Set language and digest frequency")
def preferences_update(request: HttpRequest, payload: PreferencesIn) -> MeOut:
    services.member_preferences_update(
        membership=request.membership,
        language=payload.language,
        digest_frequency=payload.digest_frequency,
    )
    return _me(request)
