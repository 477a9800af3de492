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
import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

# WorkspaceOwned lives beside Workspace so core's own models can derive from it; this module
# remains the place product apps import it from.
from touchbase.core.models import ApiToken, Membership, User, Workspace, WorkspaceOwned
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
    """Bearer token → the member and workspace it was issued for, if both are still active.

    Every API request asks this, so it is one SQL statement written once per process: the
    ORM spent about a third of a list request's Python building and compiling it each time.
    """
    sql, models_read = _token_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [ApiToken.digest_of(key)])
        row = cursor.fetchone()
    if row is None:
        return None
    membership, workspace, user, token = _instances(row, models_read)
    assert isinstance(membership, Membership)  # the first model read
    membership.workspace = workspace
    membership.user = user
    now = timezone.now()
    # Writing on every request would make each read a write; a coarse stamp is enough.
    used = token.last_used_at
    if used is None or now - used > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return membership


# Per model read: its fields, and for each the column and the converters its values need.
_TokenModels = tuple[
    tuple[type[models.Model], list[models.Field[Any, Any]], list[tuple[Any, list[Any]]]], ...
]


@functools.cache
def _token_statement() -> tuple[str, _TokenModels]:
    """SELECT membership, workspace, user and token by the token's digest, all columns.

    With each column the ORM's converters for it (the backend's, which depend on nothing but
    the database's time zone, and the field's), looked up once too.
    """
    quote = connection.ops.quote_name
    tables = ((Membership, "m"), (Workspace, "w"), (User, "u"), (ApiToken, "t"))
    columns: list[str] = []
    layout = []
    for model, alias in tables:
        fields = [f for f in model._meta.concrete_fields if isinstance(f, models.Field)]
        columns += [f"{alias}.{quote(str(field.column))}" for field in fields]
        converting = []
        for field in fields:
            column = field.get_col(model._meta.db_table)
            converting.append(
                (column, connection.ops.get_db_converters(column)
                 + column.get_db_converters(connection))
            )  # fmt: skip
        layout.append((model, fields, converting))
    table = {alias: quote(model._meta.db_table) for model, alias in tables}
    sql = (
        f"SELECT {', '.join(columns)} FROM {table['t']} t "
        f"JOIN {table['m']} m ON m.user_id = t.user_id AND m.workspace_id = t.workspace_id "
        f"JOIN {table['w']} w ON w.id = m.workspace_id JOIN {table['u']} u ON u.id = m.user_id "
        "WHERE t.digest = %s AND u.is_active"
    )
    return sql, tuple(layout)


def _instances(row: tuple[Any, ...], layout: _TokenModels) -> list[Any]:
    """Model instances from a raw row, its values converted as the ORM converts them."""
    instances, start = [], 0
    for model, fields, converting in layout:
        values = []
        for (column, converters), value in zip(
            converting, row[start : start + len(fields)], strict=True
        ):
            for converter in converters:
                value = converter(value, column, connection)
            values.append(value)
        instances.append(model.from_db(connection.alias, [f.attname for f in fields], values))
        start += len(fields)
    return instances


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
