"""Resolve the request's workspace once, open its tenancy scope, speak the member's language."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from touchbase.core.models import Membership
from touchbase.core.requests import WorkspaceRequest
from touchbase.core.tenancy import (
    bearer_key,
    membership_for_session,
    membership_for_token,
    workspace_scope,
)

SESSION_KEY = "workspace_id"


class WorkspaceMiddleware:
    """Sets request.membership and request.workspace from the session or an API token."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: WorkspaceRequest) -> HttpResponse:
        membership = self.resolve(request)
        request.membership = membership
        request.workspace = membership.workspace if membership else None
        if membership is not None:
            timezone.activate(membership.workspace.zone)
            translation.activate(membership.user.language)
            request.LANGUAGE_CODE = membership.user.language
        elif request.user.is_authenticated:
            translation.activate(request.user.language)
            request.LANGUAGE_CODE = request.user.language
        try:
            with self.scope_for(request):
                return self.get_response(request)
        finally:
            timezone.deactivate()

    @staticmethod
    def resolve(request: WorkspaceRequest) -> Membership | None:
        if request.path.startswith("/api/"):
            key = bearer_key(request)
            membership = membership_for_token(key) if key else None
            request.token_membership = membership
            return membership
        if request.user.is_authenticated:
            return membership_for_session(request, request.session.get(SESSION_KEY))
        return None

    @staticmethod
    def scope_for(request: WorkspaceRequest) -> AbstractContextManager[None]:
        # The admin is for superusers managing all workspaces; everything else is scoped,
        # and a request without a workspace (sign-in, public pages) sees no business row
        # until a public page opens its workspace's scope itself.
        if request.path.startswith("/admin/") and request.user.is_superuser:
            disabled: AbstractContextManager[None] = scopes_disabled()
            return disabled
        if request.workspace is not None:
            return workspace_scope(request.workspace)
        return nullcontext()
