"""Keyset batches and bulk inserts that fill defaults like save() does."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from touchbase.core.bulk import batched, bulk_insert
from touchbase.core.choices import WebhookStatus
from touchbase.core.models import WebhookDelivery, Workspace
from touchbase.core.tenancy import workspace_scope

pytestmark = pytest.mark.django_db


def make_workspaces(count: int, prefix: str = "w") -> list[Workspace]:
    rows = [{"name": f"{prefix}{number:03}", "slug": f"{prefix}-{number:03}"}
            for number in range(count)]  # fmt: skip
    bulk_insert(model=Workspace, rows=rows, batch_size=100)
    return list(Workspace.objects.filter(slug__startswith=f"{prefix}-").order_by("pk"))


def delivery_row(workspace: Workspace | None = None, **fields) -> dict:
    row = {"event": "contact.created", "url": "https://hooks.example/", "secret": "s", "body": "{}"}
    return row | ({"workspace": workspace} if workspace else {}) | fields


# --- batched -----------------------------------------------------------------------------------


def test_batches_cover_every_row_once_in_primary_key_order():
    workspaces = make_workspaces(25)
    batches = list(batched(queryset=Workspace.objects.all(), size=10))
    assert [len(batch) for batch in batches] == [10, 10, 5]
    assert [row.pk for batch in batches for row in batch] == [w.pk for w in workspaces]


def test_each_batch_is_one_query_by_key_range_without_offset():
    make_workspaces(25)
    with CaptureQueriesContext(connection) as queries:
        list(batched(queryset=Workspace.objects.all(), size=10))
    assert len(queries) == 3
    statements = [query["sql"].upper() for query in queries]
    assert not any("OFFSET" in sql for sql in statements)
    assert [('"ID" >' in sql) for sql in statements] == [False, True, True]


def test_a_full_last_batch_takes_one_more_query_to_see_the_end():
    make_workspaces(20)
    with CaptureQueriesContext(connection) as queries:
        sizes = [len(batch) for batch in batched(queryset=Workspace.objects.all(), size=10)]
    assert sizes == [10, 10]
    assert len(queries) == 3


def test_filters_are_kept_and_ordering_is_by_key():
    make_workspaces(6, prefix="a")
    make_workspaces(4, prefix="b")
    queryset = Workspace.objects.filter(slug__startswith="b-").order_by("-name")
    batches = list(batched(queryset=queryset, size=3))
    assert [[row.name for row in batch] for batch in batches] == [
        ["b000", "b001", "b002"], ["b003"],
    ]  # fmt: skip


def test_deleting_rows_behind_the_cursor_skips_none_of_the_rest():
    workspaces = make_workspaces(9)
    seen = []
    for batch in batched(queryset=Workspace.objects.all(), size=3):
        seen.extend(row.pk for row in batch)
        # what OFFSET pagination would trip over: the rows already handled disappear
        Workspace.objects.filter(pk__in=[row.pk for row in batch]).delete()
    assert seen == [w.pk for w in workspaces]


def test_an_empty_queryset_yields_no_batch():
    assert list(batched(queryset=Workspace.objects.none(), size=10)) == []
    assert list(batched(queryset=Workspace.objects.filter(slug="none"), size=10)) == []


def test_sliced_querysets_values_and_empty_batches_are_refused():
    make_workspaces(2)
    with pytest.raises(TypeError, match="before slicing"):
        list(batched(queryset=Workspace.objects.all()[:5], size=2))
    with pytest.raises(TypeError, match="model instances"):
        list(batched(queryset=Workspace.objects.values("pk"), size=2))
    with pytest.raises(ValueError, match="at least one row"):
        list(batched(queryset=Workspace.objects.all(), size=0))


# --- bulk_insert -------------------------------------------------------------------------------


def test_a_row_without_a_defaulted_field_gets_the_default():
    before = timezone.now()
    assert bulk_insert(model=Workspace, rows=[{"name": "Pollux", "slug": "pollux"}],
                       batch_size=10) == 1  # fmt: skip
    workspace = Workspace.objects.get(slug="pollux")
    assert workspace.time_zone == "Europe/Berlin"
    assert workspace.default_cadence_days == 365
    assert before <= workspace.created_at <= timezone.now()


def test_a_given_value_wins_over_the_default():
    bulk_insert(
        model=Workspace, rows=[{"name": "Castor", "slug": "castor", "time_zone": "Europe/Vienna",
                                "default_cadence_days": 90}], batch_size=10,
    )  # fmt: skip
    workspace = Workspace.objects.get(slug="castor")
    assert (workspace.time_zone, workspace.default_cadence_days) == ("Europe/Vienna", 90)


def test_callable_defaults_are_called_for_each_row(workspace):
    rows = [delivery_row(workspace), delivery_row(workspace), delivery_row(workspace)]
    assert bulk_insert(model=WebhookDelivery, rows=rows, batch_size=10) == 3
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert len({delivery.uuid for delivery in deliveries}) == 3
    assert [delivery.attempt_log for delivery in deliveries] == [[], [], []]
    assert [delivery.status for delivery in deliveries] == [WebhookStatus.PENDING] * 3
    assert all(delivery.created_at is not None for delivery in deliveries)


def test_foreign_keys_may_be_given_by_id(workspace):
    rows = [delivery_row(workspace_id=workspace.pk)]
    with workspace_scope(workspace):
        assert bulk_insert(model=WebhookDelivery, rows=rows, batch_size=1) == 1
    assert WebhookDelivery.objects.get().workspace == workspace


def test_many_rows_go_in_batches_of_the_given_size():
    rows = [{"name": f"w{number}", "slug": f"w-{number}"} for number in range(7)]
    with CaptureQueriesContext(connection) as queries:
        assert bulk_insert(model=Workspace, rows=rows, batch_size=3) == 7
    inserts = [query for query in queries if query["sql"].upper().startswith("INSERT")]
    assert len(inserts) == 3
    assert Workspace.objects.filter(slug__startswith="w-").count() == 7


def test_empty_input_inserts_nothing_and_asks_the_database_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert bulk_insert(model=Workspace, rows=[], batch_size=10) == 0
    assert len(queries) == 0


def test_an_unknown_key_is_refused_before_anything_is_written():
    rows = [{"name": "Pollux", "slug": "pollux"}, {"name": "Castor", "slgu": "castor"}]
    with pytest.raises(ValueError, match=r"Row 1 names no field of Workspace: \['slgu'\]"):
        bulk_insert(model=Workspace, rows=rows, batch_size=10)
    assert Workspace.objects.count() == 0


def test_a_value_for_an_auto_now_field_is_refused_rather_than_silently_replaced():
    rows = [{"name": "Pollux", "slug": "pollux", "created_at": timezone.now()}]
    with pytest.raises(ValueError, match=r"Row 0 sets \['created_at'\]"):
        bulk_insert(model=Workspace, rows=rows, batch_size=10)
    assert Workspace.objects.count() == 0


def test_a_failing_batch_leaves_no_row_of_the_earlier_batches():
    rows = [{"name": f"w{number}", "slug": f"w-{number}"} for number in range(5)]
    rows.append({"name": "duplicate", "slug": "w-0"})
    with pytest.raises(IntegrityError):
        bulk_insert(model=Workspace, rows=rows, batch_size=2)
    assert Workspace.objects.count() == 0


def test_inside_a_workspace_scope_rows_of_another_workspace_are_refused(workspace, other_workspace):
    rows = [delivery_row(workspace), delivery_row(other_workspace)]
    message = f"Row 1 belongs to workspace {other_workspace.pk}, not to the scope's {workspace.pk}."
    with workspace_scope(workspace), pytest.raises(ValueError, match=re.escape(message)):
        bulk_insert(model=WebhookDelivery, rows=rows, batch_size=10)
    assert WebhookDelivery.objects.count() == 0
    with workspace_scope(workspace):
        assert bulk_insert(model=WebhookDelivery, rows=rows[:1], batch_size=10) == 1
