"""The response queue through the API: the queue, replies, owners, closing and figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from touchbase.core.choices import Role
from touchbase.core.models import Membership
from touchbase.core.services import api_token_create, member_add
from touchbase.listening.models import Mention, Reply
from touchbase.listening.tests.factories import mention_make, source_make
from touchbase.relationships.models import Touchpoint
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
QUEUE = "/api/v1/listening/queue"


def send(client, method, url, body, token):
    return getattr(client, method)(url, body, content_type="application/json",
                                   headers=bearer(token))  # fmt: skip


def mention_url(mention: Mention, tail: str = "") -> str:
    return f"/api/v1/listening/mentions/{mention.pk}{tail}"


@pytest.fixture
def source(workspace):
    return source_make(workspace, "Google")


def waiting(source, text, *, owner=None, due_in=10 * HOUR, contact=None):
    mention = mention_make(source, text, sentiment="negative",
                           author_email=contact.email if contact else "")  # fmt: skip
    Mention.objects.filter(pk=mention.pk).update(
        owner=owner, due_at=timezone.now() + due_in, contact=contact
    )
    mention.refresh_from_db()
    return mention


def test_the_queue_lists_soonest_due_first_with_clocks_and_pages(client, alice_token, source):
    later = waiting(source, "Später", due_in=20 * HOUR)
    late = waiting(source, "Überfällig", due_in=-2 * HOUR - 10 * dt.timedelta(minutes=1))
    response = client.get(QUEUE, headers=bearer(alice_token))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["mention"]["id"] for item in items] == [late.pk, later.pk]
    assert (items[0]["overdue"], items[0]["clock"]) == (True, "overdue by 2 hours")
    assert items[0]["seconds_to_due"] < 0 < items[1]["seconds_to_due"]
    first = client.get(QUEUE, {"limit": 1}, headers=bearer(alice_token)).json()
    assert [item["mention"]["id"] for item in first["items"]] == [late.pk]
    second = client.get(QUEUE, {"limit": 1, "offset": first["next_offset"]},
                        headers=bearer(alice_token)).json()  # fmt: skip
    assert [item["mention"]["id"] for item in second["items"]] == [later.pk]
    assert second["next_offset"] is None


def test_the_queue_filters_by_owner_mine_nobody_and_overdue(client, alice_token, source, alice,
                                                            bob):  # fmt: skip
    alices = waiting(source, "Alice", owner=alice, due_in=-HOUR)
    bobs = waiting(source, "Bob", owner=bob)
    nobodys = waiting(source, "Niemand")

    def listed(**query):
        answer = client.get(QUEUE, query, headers=bearer(alice_token)).json()
        return [item["mention"]["id"] for item in answer["items"]]

    assert listed(owner_id=bob.pk) == [bobs.pk]
    assert listed(mine="true") == [alices.pk]
    assert listed(unassigned="true") == [nobodys.pk]
    assert listed(overdue="true") == [alices.pk]


def test_a_reply_through_the_api_is_a_touchpoint_and_answers_the_mention(
    client, alice_token, source, contact, alice
):
    mention = waiting(source, "Kaputt", contact=contact)
    response = send(
        client,
        "post",
        mention_url(mention, "/replies"),
        {"text": "Ersatz kommt.", "channel": "email"},
        alice_token,
    )
    assert response.status_code == 201
    body = response.json()
    touchpoint = Touchpoint.objects.get(pk=body["touchpoint_id"])
    assert (touchpoint.contact, touchpoint.channel, touchpoint.logged_by) == (contact, "email",
                                                                              alice)  # fmt: skip
    assert (body["text"], body["channel"], body["by_id"]) == ("Ersatz kommt.", "email", alice.pk)
    mention.refresh_from_db()
    assert mention.answered_at is not None
    assert client.get(QUEUE, headers=bearer(alice_token)).json()["items"] == []
    replies = client.get(mention_url(mention, "/replies"), headers=bearer(alice_token)).json()
    assert [reply["id"] for reply in replies["items"]] == [body["id"]]
    assert client.get(mention_url(mention), headers=bearer(alice_token)).json()["answered_at"]


def test_a_reply_without_a_customer_has_no_touchpoint(client, alice_token, source):
    mention = waiting(source, "Kaputt")
    response = send(
        client, "post", mention_url(mention, "/replies"), {"text": "Danke."}, alice_token
    )
    assert response.status_code == 201
    assert (response.json()["touchpoint_id"], response.json()["channel"]) == (None, "source")


def test_an_empty_reply_is_422_on_the_text_field_and_nothing_changes(client, alice_token, source):
    mention = waiting(source, "Kaputt")
    response = send(client, "post", mention_url(mention, "/replies"), {"text": "  "}, alice_token)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["text"]
    assert not Reply.objects.exists()
    mention.refresh_from_db()
    assert mention.answered_at is None


def test_an_unknown_channel_is_422(client, alice_token, source):
    mention = waiting(source, "Kaputt")
    response = send(
        client,
        "post",
        mention_url(mention, "/replies"),
        {"text": "Ok", "channel": "fax"},
        alice_token,
    )
    assert response.status_code == 422
    assert not Reply.objects.exists()


def test_patch_gives_a_mention_to_a_member_or_to_nobody(client, alice_token, source, bob, alice):
    mention = waiting(source, "Kaputt", owner=alice)
    response = send(client, "patch", mention_url(mention), {"owner_id": bob.pk}, alice_token)
    assert (response.status_code, response.json()["owner_id"]) == (200, bob.pk)
    unchanged = client.patch(mention_url(mention), {}, content_type="application/json",
                             headers=bearer(alice_token))  # fmt: skip
    assert unchanged.json()["owner_id"] == bob.pk
    cleared = send(client, "patch", mention_url(mention), {"owner_id": None}, alice_token)
    assert cleared.json()["owner_id"] is None


def test_patch_refuses_an_owner_outside_the_workspace_or_without_the_right(
    client, alice_token, workspace, source, alice, carol
):
    helper = member_add(workspace=workspace, username="hugo", password="pw-123456789",
                        role=Role.HELPER).user  # fmt: skip
    mention = waiting(source, "Kaputt", owner=alice)
    for stranger in (carol, helper):
        response = send(
            client, "patch", mention_url(mention), {"owner_id": stranger.pk}, alice_token
        )
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["owner_id"]
    mention.refresh_from_db()
    assert mention.owner == alice


def test_closing_through_the_api_takes_it_out_of_the_queue(client, alice_token, source):
    mention = waiting(source, "Billige Uhren")
    response = send(
        client,
        "post",
        mention_url(mention, "/close"),
        {"reason": "spam", "note": "Werbung"},
        alice_token,
    )
    assert response.status_code == 200
    assert (response.json()["close_reason"], response.json()["closed_at"] is not None) == (
        "spam", True)  # fmt: skip
    assert client.get(QUEUE, headers=bearer(alice_token)).json()["items"] == []
    refused = send(
        client, "post", mention_url(mention, "/close"), {"reason": "boring"}, alice_token
    )
    assert refused.status_code == 422


def test_the_figures_count_the_team_and_each_owner(client, alice_token, source, alice):
    now = timezone.now()
    answered = waiting(source, "Beantwortet", owner=alice)
    Mention.objects.filter(pk=answered.pk).update(published_at=now - 3 * HOUR,
                                                  answered_at=now - HOUR)  # fmt: skip
    silent = waiting(source, "Still", owner=alice, due_in=-HOUR)
    Mention.objects.filter(pk=silent.pk).update(published_at=now - 30 * HOUR)
    response = client.get("/api/v1/listening/figures", {"weeks": 2}, headers=bearer(alice_token))
    assert response.status_code == 200
    body = response.json()
    assert len(body["weeks"]) == 2
    assert len(body["team"]["weeks"]) == 2
    total = body["team"]["total"]
    assert (total["received"], total["answered"], total["silent"]) == (2, 1, 1)
    assert (total["response_rate"], total["silence_rate"]) == (0.5, 0.5)
    assert total["median_hours_to_first_answer"] == 2.0
    assert [(owner["owner_id"], owner["name"]) for owner in body["owners"]] == [
        (alice.pk, "Alice Adler")]  # fmt: skip


@pytest.mark.parametrize("weeks", [0, 53, "x"])
def test_figures_refuse_a_number_of_weeks_out_of_range(client, alice_token, weeks):
    response = client.get("/api/v1/listening/figures", {"weeks": weeks},
                          headers=bearer(alice_token))  # fmt: skip
    assert response.status_code == 422


def test_another_workspace_gets_404_and_changes_nothing(client, carol_token, source, alice):
    mention = waiting(source, "Kaputt", owner=alice)
    calls = [
        ("patch", mention_url(mention), {"owner_id": None}),
        ("post", mention_url(mention, "/replies"), {"text": "x"}),
        ("get", mention_url(mention, "/replies"), None),
        ("post", mention_url(mention, "/close"), {"reason": "spam"}),
    ]
    for method, url, body in calls:
        response = getattr(client, method)(url, body, content_type="application/json",
                                           headers=bearer(carol_token))  # fmt: skip
        assert response.status_code == 404, (method, url)
    assert client.get(QUEUE, headers=bearer(carol_token)).json()["items"] == []
    mention.refresh_from_db()
    assert (mention.owner, mention.answered_at, mention.closed_at) == (alice, None, None)
    assert not Reply.objects.exists()


def test_a_helper_is_refused_everywhere(client, workspace, source):
    helper = member_add(workspace=workspace, username="hugo", password="pw-123456789",
                        role=Role.HELPER)  # fmt: skip
    token = api_token_create(membership=helper, name="t")[1]
    mention = waiting(source, "Kaputt")
    assert client.get(QUEUE, headers=bearer(token)).status_code == 403
    assert client.get("/api/v1/listening/figures", headers=bearer(token)).status_code == 403
    response = send(client, "post", mention_url(mention, "/replies"), {"text": "x"}, token)
    assert response.status_code == 403
    assert not Reply.objects.exists()


def test_staff_answer_through_the_api(client, bob, source):
    token = api_token_create(membership=Membership.objects.get(user=bob), name="t")[1]
    mention = waiting(source, "Kaputt")
    response = send(client, "post", mention_url(mention, "/replies"), {"text": "Erledigt"}, token)
    assert response.status_code == 201
    assert Reply.objects.get().by == bob
