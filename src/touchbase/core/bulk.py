"""Large reads and writes in bounded pieces: keyset batches out, bulk inserts in.

`batched` walks a queryset by primary key (WHERE pk > last ORDER BY pk LIMIT size) instead of
OFFSET: every batch costs one index range scan however deep it is, and rows deleted or added
behind the cursor while it runs shift nothing, so no row is skipped or read twice.

`bulk_insert` turns dicts into model instances and writes them with bulk_create in batches,
all or nothing. Fields a row leaves out get the model's default, as with save(): Model()
evaluates callable defaults once per row (uuid4, list), and bulk_create stamps auto_now and
auto_now_add fields with the insert time. Unlike save() it runs no signals and no validation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django_scopes import get_scope

from touchbase.core.models import WorkspaceOwned

__all__ = ["batched", "bulk_insert"]


def batched[M: models.Model](*, queryset: models.QuerySet[M], size: int) -> Iterator[list[M]]:
    """The queryset's rows as lists of at most `size`, in primary-key order, one query each."""
    if size < 1:
        raise ValueError("A batch holds at least one row.")
    if queryset.query.is_sliced:
        raise TypeError("Batch a queryset before slicing it; the batches are its slices.")
    ordered = queryset.order_by("pk")
    last: Any = None
    while True:
        page = ordered if last is None else ordered.filter(pk__gt=last)
        rows = list(page[:size])
        if rows and not isinstance(rows[0], models.Model):
            raise TypeError("batched() walks model instances, not values() or values_list().")
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = rows[-1].pk


def _field_names(model: type[models.Model]) -> tuple[set[str], set[str]]:
    """Names a row may use (field names and their *_id columns), and the auto_now ones."""
    allowed: set[str] = set()
    stamped: set[str] = set()
    for field in model._meta.concrete_fields:
        allowed.update({field.name, field.attname})
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            stamped.update({field.name, field.attname})
    return allowed, stamped


def _check_workspace(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Inside a workspace's scope, refuse rows that would belong to another workspace."""
    scope = get_scope()
    # Like create(), an insert outside any scope (or with scopes disabled) is not checked.
    if not issubclass(model, WorkspaceOwned) or not scope.get("_enabled", True):
        return
    if "workspace" not in scope:
        return
    current = scope["workspace"]
    allowed = set(current) if isinstance(current, list | tuple) else {current}
    for number, row in enumerate(rows):
        workspace = row.get("workspace")
        given = workspace.pk if workspace is not None else row.get("workspace_id")
        if given not in allowed:
            raise ValueError(
                f"Row {number} belongs to workspace {given}, not to the scope's {current}."
            )


def bulk_insert(
    *, model: type[models.Model], rows: Sequence[Mapping[str, Any]], batch_size: int
) -> int:
    """Insert dict rows in batches with every missing field at its default; returns the count.

    Steps:
    1. Check every key names a concrete field and none an auto_now field, which the insert
       would overwrite anyway; inside a workspace's scope, check every row belongs to it.
    2. Build one instance per row (defaults filled, callable ones per row).
    3. bulk_create them batch_size at a time in one transaction.
    """
    if batch_size < 1:
        raise ValueError("A batch holds at least one row.")
    if not rows:
        return 0
    allowed, stamped = _field_names(model)
    for number, row in enumerate(rows):
        unknown = sorted(set(row) - allowed)
        if unknown:
            raise ValueError(f"Row {number} names no field of {model.__name__}: {unknown}")
        overwritten = sorted(set(row) & stamped)
        if overwritten:
            raise ValueError(
                f"Row {number} sets {overwritten}, which the insert stamps with its own time."
            )
    _check_workspace(model, rows)
    instances = [model(**row) for row in rows]
    with transaction.atomic():
        created = model._default_manager.bulk_create(instances, batch_size=batch_size)
    return len(created)
