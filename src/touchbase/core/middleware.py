"""Attach the member's workspace to each request and speak the member's language."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from touchbase.core.models import Membership

SESSION_KEY = "workspace_id"


class WorkspaceMiddleware:
    """Sets request.membership and request.workspace for signed-in members."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None
        request.workspace = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            membership = self.membership_for(request)
            request.membership = membership
            request.workspace = membership.workspace if membership else None
            if membership is not None:
                timezone.activate(membership.workspace.zone)
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    @staticmethod
    def membership_for(request: HttpRequest) -> Membership | None:
        memberships = Membership.objects.select_related("workspace", "user").filter(
            user=request.user
        )
        chosen = request.session.get(SESSION_KEY)
        if chosen:
            membership = memberships.filter(workspace_id=chosen).first()
            if membership:
                return membership
        return memberships.order_by("joined_at", "id").first()
