"""The REST API under /api/v1/: one router per app, bearer-token auth, field errors as 422."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer

from touchbase.care.api import router as care_router
from touchbase.core.api import router as core_router
from touchbase.core.models import Membership
from touchbase.imports.api import router as imports_router
from touchbase.relationships.api import router as relationships_router


class TokenAuth(HttpBearer):
    """Bearer token → the member the middleware's resolver found for it, or 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        membership = getattr(request, "token_membership", None)
        if membership is None:
            return None
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
