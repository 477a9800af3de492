"""One cadence rule per scope and target: a second interval for the same customers is refused."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from touchbase.relationships.models import CadencePolicy, Tag
from touchbase.relationships.services import cadence_policy_save
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db


def create(client, **fields):
    return client.post(reverse("relationships:policy-create"), fields)


def test_a_second_all_customers_rule_with_another_interval_is_refused_with_a_link_to_the_first(
    alice_client, workspace
):
    first = CadencePolicy.objects.create(workspace=workspace, name="Alle", scope="all",
                                         interval_days=365)  # fmt: skip
    response = create(alice_client, name="Alle öfter", scope="all", interval_days="200")
    assert response.status_code == 200
    assert response.context["form"].errors["scope"] == [
        "The rule “Alle” (every 365 days) already applies to these customers: "
        "change that rule instead."
    ]
    assert reverse("relationships:policy-edit", args=[first.pk]) in response.content.decode()
    assert list(CadencePolicy.objects.values_list("interval_days", flat=True)) == [365]


@pytest.mark.parametrize("segment", ["Hotel", "hotel", "  HOTEL "])
def test_a_segment_rule_for_the_same_segment_in_any_case_or_spacing_is_refused(
    alice_client, workspace, segment
):
    CadencePolicy.objects.create(workspace=workspace, name="Hotels", scope="segment",
                                 segment="Hotel", interval_days=180)  # fmt: skip
    response = create(alice_client, name="Hotels oft", scope="segment", segment=segment,
                      interval_days="100")  # fmt: skip
    assert list(response.context["form"].errors) == ["segment"]
    assert CadencePolicy.objects.count() == 1


def test_a_rule_for_the_same_owner_or_tag_is_refused_on_that_field(workspace, alice):
    tag = Tag.objects.create(workspace=workspace, name="VIP")
    CadencePolicy.objects.create(workspace=workspace, name="Alice", scope="owner", owner=alice,
                                 interval_days=90)  # fmt: skip
    CadencePolicy.objects.create(workspace=workspace, name="VIP", scope="tag", tag=tag,
                                 interval_days=30)  # fmt: skip
    for field, extra in (("owner", {"owner": alice}), ("tag", {"tag": tag})):
        policy = CadencePolicy(workspace=workspace, name="Zweite", scope=field,
                               interval_days=14, **extra)  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            cadence_policy_save(policy=policy)
        assert list(refused.value.message_dict) == [field]
    assert CadencePolicy.objects.count() == 2


def test_changing_a_rules_interval_is_no_duplicate_of_itself(alice_client, workspace):
    policy = CadencePolicy.objects.create(workspace=workspace, name="Hotels", scope="segment",
                                          segment="Hotel", interval_days=180)  # fmt: skip
    response = alice_client.post(
        reverse("relationships:policy-edit", args=[policy.pk]),
        {"name": "Hotels", "scope": "segment", "segment": "Hotel", "interval_days": "120"},
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.interval_days == 120


def test_the_api_refuses_a_second_rule_for_the_same_segment_with_422_on_the_segment(
    client, alice_token, workspace
):
    CadencePolicy.objects.create(workspace=workspace, name="Hotels", scope="segment",
                                 segment="Hotel", interval_days=180)  # fmt: skip
    response = client.post(
        "/api/v1/cadence-policies", headers=bearer(alice_token), content_type="application/json",
        data={"name": "hotels", "scope": "segment", "segment": " hotel", "interval_days": 100},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Hotels" in response.json()["errors"]["segment"][0]
    assert CadencePolicy.objects.count() == 1


def test_the_database_refuses_a_second_rule_for_the_same_customers_at_another_interval(
    workspace,
):
    CadencePolicy.objects.create(workspace=workspace, name="A", scope="segment", segment="Hotel",
                                 interval_days=180)  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        CadencePolicy.objects.create(workspace=workspace, name="B", scope="segment",
                                     segment="HOTEL", interval_days=120)  # fmt: skip
    assert CadencePolicy.objects.count() == 1


def test_a_segment_no_customer_has_yet_is_saved_with_a_warning(alice_client, workspace, account):
    response = create(alice_client, name="Hotels", scope="segment", segment="Hotell",
                      interval_days="90")  # fmt: skip
    assert response.status_code == 302
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == ["No customer has the segment “Hotell” yet."]
    assert CadencePolicy.objects.get().segment == "Hotell"


def test_a_segment_in_use_in_another_case_brings_no_warning(alice_client, workspace, account):
    # The account fixture is in the segment "Gastronomie".
    response = create(alice_client, name="Gastro", scope="segment", segment="gastronomie",
                      interval_days="90")  # fmt: skip
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_shortest_rule_per_target_so_no_due_date_changes(workspace):
    before = [("relationships", "0012_contact_search")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("relationships", "CadencePolicy")
    rows = {
        name: old.objects.create(
            workspace_id=workspace.pk, name=name, interval_days=days, scope=scope, segment=segment
        ).pk  # fmt: skip
        for name, scope, segment, days in (
            ("Alle", "all", "", 365),
            ("Alle öfter", "all", "", 200),
            ("Hotel", "segment", "Hotel", 180),
            ("hotel", "segment", " hotel", 100),
            ("Bar", "segment", "Bar", 60),
        )
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    kept = CadencePolicy.objects.order_by("id").values_list("id", "segment", "interval_days")
    assert list(kept) == [
        (rows["Alle öfter"], "", 200),
        (rows["hotel"], "hotel", 100),
        (rows["Bar"], "Bar", 60),
    ]
