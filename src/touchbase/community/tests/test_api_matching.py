"""API: candidates of a request and the batch proposal; workspaces and capabilities."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from touchbase.community.models import Offer
from touchbase.community.tests.factories import make_helper, make_request, make_skill
from touchbase.core.choices import Role
from touchbase.core.services import api_token_create, member_add
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db


def tomorrow_morning():
    day = timezone.now().astimezone(dt.UTC).date() + dt.timedelta(days=1)
    begin = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    return [(begin, begin + dt.timedelta(hours=3))]


@pytest.fixture
def skill(workspace):
    return make_skill(workspace, name="WLAN")


@pytest.fixture
def helper(workspace, skill):
    return make_helper(workspace, name="Hanna Huber", email="hanna@example.com",
                       phone="+49 89 1234", skills=[skill])  # fmt: skip


@pytest.fixture
def help_request(workspace, skill):
    return make_request(workspace, skill=skill, windows=tomorrow_morning(), budget="30")


@pytest.fixture
def bob_token(bob_membership):
    return api_token_create(membership=bob_membership, name="tests")[1]


def candidates_url(help_request):
    return f"/api/v1/community/requests/{help_request.pk}/candidates"


def test_candidates_show_score_reasons_and_slot_but_no_contact(client, alice_token, helper,
                                                               help_request):  # fmt: skip
    response = client.get(candidates_url(help_request), headers=bearer(alice_token))
    assert response.status_code == 200
    [found] = response.json()
    assert found["helper_id"] == helper.pk
    assert found["helper_name"] == "Hanna Huber"
    assert found["starts_at"] == tomorrow_morning()[0][0].isoformat().replace("+00:00", "Z")
    assert [reason["code"] for reason in found["reasons"]] == [
        "distance", "rating", "experience", "price", "response"]  # fmt: skip
    assert found["reasons"][3]["label"] == "€20/h, within the budget"
    assert 0 < found["score"] <= 100
    assert "hanna@example.com" not in response.content.decode()
    assert "1234" not in response.content.decode()


def test_the_limit_is_checked(client, alice_token, help_request):
    response = client.get(candidates_url(help_request), {"limit": 0}, headers=bearer(alice_token))
    assert response.status_code == 422


def test_the_proposal_pairs_open_requests_and_makes_no_offers(
    client, alice_token, helper, help_request, workspace, skill
):
    far = make_request(workspace, skill=skill, windows=tomorrow_morning(), location=(52.5, 13.4))
    response = client.post("/api/v1/community/batch/proposal", headers=bearer(alice_token))
    assert response.status_code == 200
    body = response.json()
    assert [(pair["request_id"], pair["helper_id"]) for pair in body["pairs"]] == [
        (help_request.pk, helper.pk)]  # fmt: skip
    assert body["unmatched"] == [far.pk]
    assert body["total_score"] == body["pairs"][0]["score"]
    assert "hanna@example.com" not in response.content.decode()
    assert Offer.objects.count() == 0


def test_another_workspaces_request_is_not_found(client, carol_token, help_request, helper):
    response = client.get(candidates_url(help_request), headers=bearer(carol_token))
    assert response.status_code == 404
    proposal = client.post("/api/v1/community/batch/proposal", headers=bearer(carol_token))
    assert proposal.json() == {"pairs": [], "total_score": 0.0, "unmatched": []}


def test_anonymous_callers_get_401(client, help_request):
    assert client.get(candidates_url(help_request)).status_code == 401
    assert client.post("/api/v1/community/batch/proposal").status_code == 401


def test_staff_without_community_manage_get_403(client, bob_token, help_request):
    assert client.get(candidates_url(help_request), headers=bearer(bob_token)).status_code == 403
    response = client.post("/api/v1/community/batch/proposal", headers=bearer(bob_token))
    assert response.status_code == 403


def test_a_community_manager_may(client, workspace, help_request, helper):
    membership = member_add(workspace=workspace, username="cora", password=None,
                            role=Role.COMMUNITY_MANAGER, email="cora@pollux.example")  # fmt: skip
    token = api_token_create(membership=membership, name="tests")[1]
    response = client.get(candidates_url(help_request), headers=bearer(token))
    assert [found["helper_id"] for found in response.json()] == [helper.pk]
