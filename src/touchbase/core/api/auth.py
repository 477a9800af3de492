"""Bearer-token authentication: the token was resolved once, by the workspace middleware."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from touchbase.core.models import Membership


class TokenAuth(HttpBearer):
    """Bearer token → the member the middleware's resolver found for it, or 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        membership: Membership | None = getattr(request, "token_membership", None)
        if membership is None:
            return None
        request.user = membership.user
        return membership
