"""The request as views and API operations see it, for the type checker.

Django's HttpRequest knows nothing of what the middleware adds. WorkspaceRequest is any request
once WorkspaceMiddleware has run; MemberRequest is one that `capability_required`,
`member_required` or `api_capability` let through, so it surely has a signed-in member and
their workspace. Neither class is instantiated: Django and django-ninja pass their own
HttpRequest, and these only name the attributes it then carries.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from touchbase.core.models import Membership, User, Workspace


class WorkspaceRequest(HttpRequest):
    """Any request after WorkspaceMiddleware: its member and workspace, if it has any."""

    htmx: HtmxDetails
    membership: Membership | None
    workspace: Workspace | None
    # Set on API paths only: the member the bearer token was issued for.
    token_membership: Membership | None


class MemberRequest(WorkspaceRequest):
    """A request of a signed-in member, inside their workspace."""

    user: User
    membership: Membership
    workspace: Workspace
