"""The REST API under /api/v1/: one router per app, bearer-token auth, field errors as 422."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer

from touchbase.care.api import router as care_router
from touchbase.core.api import router as core_router
from touchbase.core.models import ApiToken, Membership
from touchbase.imports.api import router as imports_router
from touchbase.relationships.api import router as relationships_router

TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=5)


class TokenAuth(HttpBearer):
    """Bearer token → the member and workspace the token was issued for."""

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        # One query: the token's member in the token's workspace, still active.
        membership = (
            Membership.objects.select_related("workspace", "user")
            .filter(
                user__api_tokens__digest=ApiToken.digest_of(token),
                user__api_tokens__workspace=F("workspace"),
                user__is_active=True,
            )
            .annotate(
                token_id=F("user__api_tokens__id"),
                token_used_at=F("user__api_tokens__last_used_at"),
            )
            .first()
        )
        if membership is None:
            return None
        now = timezone.now()
        # Writing on every request would make each read a write; a coarse stamp is enough.
        used = membership.token_used_at
        if used is None or now - used > TOKEN_TOUCH_INTERVAL:
            ApiToken.objects.filter(pk=membership.token_id).update(last_used_at=now)
        request.membership = membership
        request.workspace = membership.workspace
        timezone.activate(membership.workspace.zone)
        request.user = membership.user
        return membership


api = NinjaAPI(
    title="touchbase API",
    version="1",
    description="Accounts, contacts, touchpoints, the due list and cadence policies.",
    auth=TokenAuth(),
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Service validation errors become 422 with messages per field."""
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    detail = [{"loc": ["body", field], "msg": " ".join(msgs)} for field, msgs in errors.items()]
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


api.add_router("/", core_router)
api.add_router("/", relationships_router)
api.add_router("/", care_router)
api.add_router("/", imports_router)
