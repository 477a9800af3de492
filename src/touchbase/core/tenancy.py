"""Tenancy as one mechanism: every business row is found only through its workspace.

Workspace-owned models use a scoped manager (django-scopes, as pretix uses it). Inside
`workspace_scope(workspace)` every query is filtered to that workspace; outside any scope a
query on such a model raises ScopeError, so code that forgot the workspace fails closed
instead of leaking. The middleware opens the scope for each request from the one resolver
below (member session, API token, or a public page's slug); tasks and commands open it for
the workspace they work on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

# WorkspaceOwned lives beside Workspace so core's own models can derive from it; this module
# remains the place product apps import it from.
from touchbase.core.models import ApiToken, Membership, Workspace, WorkspaceOwned
from touchbase.core.requests import WorkspaceRequest

# The largest number a BIGINT column holds; larger ids and offsets overflow the databases.
MAX_ID = 2**63 - 1
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=5)

__all__ = ["WorkspaceOwned", "scopes_disabled", "workspace_scope"]


@contextmanager
def workspace_scope(workspace: Workspace | int) -> Iterator[None]:
    """Let queries on workspace-owned models see this workspace's rows, and only those."""
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    if not workspace_id:
        raise ValueError("A workspace scope needs a saved workspace.")
    with scope(workspace=workspace_id):
        yield


def id_or_none(value: object) -> int | None:
    """An id from user input, or None when it is no number a row could have."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def owned_or_404[M: models.Model](
    source: type[M] | models.QuerySet[M], pk: object, *, workspace: Workspace
) -> M:
    """The row with this id in the workspace, or 404 (also for ids no column can hold)."""
    number = id_or_none(pk)
    queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    row = queryset.filter(pk=number, workspace=workspace).first() if number else None
    if row is None:
        raise Http404(_("Not found."))
    return row


def owned_ref[M: models.Model](
    model: type[M], pk: object, *, workspace: Workspace, field: str
) -> M:
    """A referenced row of the workspace, or a validation error naming the field (API: 422)."""
    number = id_or_none(pk)
    row = model._default_manager.filter(pk=number, workspace=workspace).first() if number else None
    if row is None:
        raise ValidationError({field: _("Choose one from this workspace.")})
    return row


# --- the one resolver of the request's workspace ----------------------------------------------


def membership_for_token(key: str) -> Membership | None:
    """Bearer token → the member and workspace it was issued for, if both are still active."""
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(
            user__api_tokens__digest=ApiToken.digest_of(key),
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
    return membership


def membership_for_session(request: HttpRequest, chosen: object) -> Membership | None:
    """The signed-in user's membership: the workspace chosen in the session, else the first."""
    if not request.user.is_authenticated:
        return None
    memberships = Membership.objects.select_related("workspace", "user").filter(user=request.user)
    # An id no row can have matches no membership; the first one answers then.
    chosen_id = id_or_none(chosen) if chosen else None
    if chosen_id is not None:
        membership = memberships.filter(workspace_id=chosen_id).first()
        if membership:
            return membership
    return memberships.order_by("joined_at", "id").first()


def bearer_key(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _space, key = header.partition(" ")
    return key.strip() if scheme.lower() == "bearer" else ""


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For public pages under /<slug>/…: the slug's workspace becomes the request's scope."""

    @wraps(view)
    def wrapper(request: WorkspaceRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        workspace = Workspace.objects.filter(slug=slug[:60]).first()
        if workspace is None:
            raise Http404(_("Not found."))
        request.workspace = workspace
        with workspace_scope(workspace):
            return view(request, *args, **kwargs)

    return wrapper


class IdConverter:
    """URL ids: digits that fit a BIGINT column; anything larger matches no route (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)


def stream_in_scope[T](chunks: Iterable[T], *, workspace: Workspace) -> Iterator[T]:
    """Yield a streamed response's chunks inside the workspace's scope and time zone.

    A streaming response is read after the middleware has closed the request's scope and
    reset the time zone; without this, the first query while streaming would fail closed.
    """
    with workspace_scope(workspace), timezone.override(workspace.zone):
        yield from chunks
