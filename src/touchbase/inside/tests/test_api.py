"""API of the inside area: every operation's answer, its refusals (401/403, 404 for another
workspace's rows, 422 naming the field, never 500), anonymity of askers in every answer, and
votes cast at the same moment (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
import typing

import pytest
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from pydantic import BaseModel

from touchbase.core.choices import Role
from touchbase.core.services import api_token_create, member_add
from touchbase.inside import ama, coffee
from touchbase.inside.choices import Audience, GroupState, QuestionState
from touchbase.inside.models import (
    AmaBlock,
    AmaFollowUp,
    AmaQuestion,
    AmaSession,
    AmaVote,
    CoffeeAbsence,
    CoffeeParticipant,
    CoffeeRound,
    CoffeeSeat,
    InsideSettings,
)
from touchbase.relationships.services import contact_save
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db

API = "/api/v1/inside"


def call(client, method, path, token, body=None):
    kwargs = {"headers": bearer(token)}
    if method in {"post", "put", "patch", "delete"}:
        return getattr(client, method)(
            API + path, json.dumps(body or {}), content_type="application/json", **kwargs
        )
    return getattr(client, method)(API + path, body or {}, **kwargs)


def errors_of(response):
    assert response.status_code == 422, response.content
    return response.json().get("errors") or {
        item["loc"][-1]: [item["msg"]] for item in response.json()["detail"]
    }


def later(hours: float) -> str:
    return (timezone.now() + dt.timedelta(hours=hours)).isoformat()


def member(workspace, name: str, role: str = Role.STAFF):
    membership = member_add(
        workspace=workspace, username=name, password=f"{name}-password-1", role=role,
        email=f"{name}@pollux.example", first_name=name.title(), last_name="Tester",
    )  # fmt: skip
    return membership.user, api_token_create(membership=membership, name="tests")[1]


@pytest.fixture
def bob_token(bob_membership):
    return api_token_create(membership=bob_membership, name="tests")[1]


@pytest.fixture
def helper_token(workspace):
    """A member whose role has no inside capability at all."""
    return member(workspace, "hugo", Role.HELPER)[1]


def session_body(leader, **fields):
    return {"title": "Ask Alice", "leader_id": leader.pk, "starts_at": later(1),
            "ends_at": later(2), "audience": "both", **fields}  # fmt: skip


# --- sessions ---------------------------------------------------------------------------------


def test_a_manager_schedules_a_session_with_moderators(client, alice, bob, alice_token):
    response = call(client, "post", "/ama/sessions", alice_token,
                    session_body(alice, moderator_ids=[bob.pk], description=" Q1 "))  # fmt: skip
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["title"] == "Ask Alice"
    assert data["description"] == "Q1"
    assert data["leader_name"] == "Alice Adler"
    assert data["moderator_ids"] == [bob.pk]
    assert data["state"] == "upcoming"
    assert data["can_moderate"] is True
    session = AmaSession.objects.get(pk=data["id"])
    assert list(session.moderators.all()) == [bob]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": later(0.5)}, "ends_at"),
        ({"ends_at": later(20)}, "ends_at"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"audience": "everyone"}, "audience"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"moderator_ids": [10**12]}, "moderator_ids"),
    ],
)
def test_a_bad_session_is_a_field_error(client, alice, alice_token, fields, field):
    response = call(client, "post", "/ama/sessions", alice_token, session_body(alice, **fields))
    assert field in errors_of(response)
    assert not AmaSession.objects.exists()


def test_a_leader_of_another_workspace_is_a_field_error(client, alice, carol, alice_token):
    response = call(client, "post", "/ama/sessions", alice_token, session_body(carol))
    assert list(errors_of(response)) == ["leader_id"]
    response = call(client, "post", "/ama/sessions", alice_token,
                    session_body(alice, moderator_ids=[carol.pk]))  # fmt: skip
    assert list(errors_of(response)) == ["moderator_ids"]


def test_staff_may_not_schedule(client, bob, bob_token, session):
    assert call(client, "post", "/ama/sessions", bob_token, session_body(bob)).status_code == 403
    response = call(client, "put", f"/ama/sessions/{session.pk}", bob_token, session_body(bob))
    assert response.status_code == 403


def test_sessions_are_listed_upcoming_live_and_past(client, workspace, alice, alice_token, session):
    now = timezone.now()
    soon, later_on = (
        ama.ama_session_save(workspace=workspace, by=alice, title=title, leader=alice,
                             starts_at=now + dt.timedelta(days=days),
                             ends_at=now + dt.timedelta(days=days, hours=1),
                             audience=Audience.MEMBERS)
        for title, days in (("Soon", 1), ("Later", 5))
    )  # fmt: skip
    past = ama.ama_session_save(workspace=workspace, by=alice, title="Past", leader=alice,
                                starts_at=now - dt.timedelta(days=2),
                                ends_at=now - dt.timedelta(days=2, hours=-1),
                                audience=Audience.MEMBERS)  # fmt: skip
    ama.ama_close(session=past)

    def titles(when):
        response = call(client, "get", "/ama/sessions", alice_token, {"when": when} if when else {})
        assert response.status_code == 200
        return [item["title"] for item in response.json()["items"]]

    assert titles("upcoming") == ["Soon", "Later"]
    assert titles("live") == ["Ask Alice anything"]
    assert titles("past") == ["Past"]
    assert titles(None) == ["Later", "Soon", "Ask Alice anything", "Past"]
    page = call(client, "get", "/ama/sessions", alice_token, {"limit": 1}).json()
    assert page["next_offset"] == 1
    assert call(client, "get", "/ama/sessions", alice_token, {"when": "x"}).status_code == 422
    del soon, later_on


def test_a_member_reads_a_session(client, bob_token, session):
    response = call(client, "get", f"/ama/sessions/{session.pk}", bob_token)
    assert response.status_code == 200
    assert response.json()["state"] == "live"
    assert response.json()["can_moderate"] is False
    assert call(client, "get", "/ama/sessions/999999", bob_token).status_code == 404


def test_a_manager_changes_a_session_but_not_a_closed_one(client, alice, alice_token, session):
    response = call(client, "put", f"/ama/sessions/{session.pk}", alice_token,
                    session_body(alice, title="New title", anonymous_allowed=False))  # fmt: skip
    assert response.status_code == 200, response.content
    session.refresh_from_db()
    assert (session.title, session.anonymous_allowed) == ("New title", False)
    ama.ama_close(session=session)
    response = call(client, "put", f"/ama/sessions/{session.pk}", alice_token, session_body(alice))
    assert "title" in errors_of(response)


def test_closing_makes_follow_ups_and_only_moderators_close(
    client, bob, alice_token, bob_token, session, bob_place
):
    ama.question_ask(session=session, participant=bob_place, text="Open one?")
    assert call(client, "post", f"/ama/sessions/{session.pk}/close", bob_token).status_code == 403
    session.moderators.add(bob)
    response = call(client, "post", f"/ama/sessions/{session.pk}/close", bob_token)
    assert response.status_code == 200
    assert response.json()["follow_ups"] == 1
    assert response.json()["session"]["state"] == "closed"
    again = call(client, "post", f"/ama/sessions/{session.pk}/close", alice_token)
    assert again.json()["follow_ups"] == 0
    assert AmaFollowUp.objects.count() == 1


def test_a_manager_invites_customers(client, alice_token, session, contact, carol_contact):
    path = f"/ama/sessions/{session.pk}/invitations"
    response = call(client, "post", path, alice_token, {"contact_ids": [contact.pk]})
    assert response.status_code == 200
    assert response.json() == {"invited": 1}
    response = call(client, "post", path, alice_token, {"contact_ids": [carol_contact.pk]})
    assert list(errors_of(response)) == ["contact_ids"]
    assert list(errors_of(call(client, "post", path, alice_token, {"contact_ids": []}))) == [
        "contact_ids"
    ]
    response = call(client, "post", path, alice_token, {"contact_ids": ["x"]})
    assert errors_of(response)


def test_a_members_only_session_invites_no_customers(
    client, workspace, alice, alice_token, bob_token, contact
):
    now = timezone.now()
    members = ama.ama_session_save(workspace=workspace, by=alice, title="Inner", leader=alice,
                                   starts_at=now + dt.timedelta(hours=1),
                                   ends_at=now + dt.timedelta(hours=2),
                                   audience=Audience.MEMBERS)  # fmt: skip
    path = f"/ama/sessions/{members.pk}/invitations"
    response = call(client, "post", path, alice_token, {"contact_ids": [contact.pk]})
    assert list(errors_of(response)) == ["contact_ids"]
    assert call(client, "post", path, bob_token, {"contact_ids": [contact.pk]}).status_code == 403
    response = call(client, "get", f"/ama/sessions/{members.pk}/join-link", alice_token)
    assert list(errors_of(response)) == ["audience"]


def _public_ama_exists() -> bool:
    try:
        reverse("inside:public_ama", args=["x", "y"])
    except NoReverseMatch:
        return False
    return True


@pytest.mark.skipif(not _public_ama_exists(), reason="needs inside:public_ama")
def test_the_join_link_leads_to_the_public_page_until_withdrawn(client, alice_token, session):
    response = call(client, "get", f"/ama/sessions/{session.pk}/join-link", alice_token)
    assert response.status_code == 200
    url = response.json()["url"]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert f"/meet/{session.workspace.slug}/ama/" in url
    assert ama.join_verify(workspace=session.workspace, token=token)[0] == session
    assert call(client, "delete", f"/ama/sessions/{session.pk}/join-link",
                alice_token).status_code == 204  # fmt: skip
    with pytest.raises(Exception, match="withdrawn"):
        ama.join_verify(workspace=session.workspace, token=token)


@pytest.mark.skipif(_public_ama_exists(), reason="inside:public_ama is installed")
def test_without_the_public_page_the_join_link_is_a_clean_error(client, alice_token, session):
    response = call(client, "get", f"/ama/sessions/{session.pk}/join-link", alice_token)
    assert response.status_code == 503
    assert response.json()["detail"] == "Join links are not available yet."


def test_withdrawing_the_join_links_gives_a_new_nonce(client, alice_token, bob_token, session):
    nonce = session.join_nonce
    path = f"/ama/sessions/{session.pk}/join-link"
    assert call(client, "delete", path, bob_token).status_code == 403
    assert call(client, "get", path, bob_token).status_code == 403
    assert call(client, "delete", path, alice_token).status_code == 204
    session.refresh_from_db()
    assert session.join_nonce != nonce


# --- questions --------------------------------------------------------------------------------


def test_a_member_asks_by_name_and_anonymously(client, bob_token, session):
    path = f"/ama/sessions/{session.pk}/questions"
    named = call(client, "post", path, bob_token, {"text": "  When is Aurora 2  due? ",
                                                   "notify": True})  # fmt: skip
    assert named.status_code == 201, named.content
    assert named.json()["text"] == "When is Aurora 2 due?"
    assert named.json()["asker_name"] == "Bob Bauer"
    assert named.json()["mine"] is True
    assert AmaQuestion.objects.get(pk=named.json()["id"]).notify_asker is True
    anonymous = call(client, "post", path, bob_token, {"text": "Bonuses?", "anonymous": True,
                                                       "notify": True})  # fmt: skip
    assert anonymous.status_code == 201
    assert anonymous.json()["asker_name"] is None
    assert anonymous.json()["mine"] is True
    row = AmaQuestion.objects.get(pk=anonymous.json()["id"])
    assert (row.author, row.notify_asker) == (None, False)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * 501}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"text": 5}, "text"),
        ({}, "text"),
    ],
)
def test_a_bad_question_is_a_field_error(client, bob_token, session, body, field):
    response = call(client, "post", f"/ama/sessions/{session.pk}/questions", bob_token, body)
    assert field in errors_of(response)
    assert not AmaQuestion.objects.exists()


def test_no_anonymous_question_where_the_session_takes_none(client, bob_token, session):
    AmaSession.objects.filter(pk=session.pk).update(anonymous_allowed=False)
    response = call(client, "post", f"/ama/sessions/{session.pk}/questions", bob_token,
                    {"text": "Who?", "anonymous": True})  # fmt: skip
    assert list(errors_of(response)) == ["anonymous"]


def test_a_closed_session_takes_no_questions(client, bob_token, session):
    ama.ama_close(session=session)
    response = call(client, "post", f"/ama/sessions/{session.pk}/questions", bob_token,
                    {"text": "Late?"})  # fmt: skip
    assert errors_of(response) == {"__all__": ["This session is closed."]}


def test_the_list_is_ordered_as_the_page_with_my_votes_and_questions(
    client, alice_token, bob_token, session, alice_place, bob_place
):
    first = ama.question_ask(session=session, participant=alice_place, text="First")
    popular = ama.question_ask(session=session, participant=alice_place, text="Popular")
    mine = ama.question_ask(session=session, participant=bob_place, text="Mine", anonymous=True)
    pinned = ama.question_ask(session=session, participant=alice_place, text="Pinned")
    hidden = ama.question_ask(session=session, participant=alice_place, text="Hidden")
    ama.vote_toggle(question=popular, participant=bob_place)
    ama.question_pin(question=pinned)
    ama.question_hide(question=hidden)
    path = f"/ama/sessions/{session.pk}/questions"
    page = call(client, "get", path, bob_token).json()
    assert page["version"] == AmaSession.objects.get(pk=session.pk).version
    items = page["items"]
    assert [i["text"] for i in items] == ["Pinned", "Popular", "First", "Mine"]
    assert [i["voted"] for i in items] == [False, True, False, False]
    assert [i["mine"] for i in items] == [False, False, False, True]
    assert [i["votes"] for i in items] == [0, 1, 0, 0]
    moderated = call(client, "get", path, alice_token).json()["items"]
    # the selector's order: by state after pins (answered, hidden, open), as the page shows it
    assert [i["text"] for i in moderated] == ["Pinned", "Hidden", "Popular", "First", "Mine"]
    assert [i["mine"] for i in moderated] == [True, True, True, True, False]
    assert call(client, "get", f"/ama/questions/{hidden.pk}", bob_token).status_code == 404
    assert call(client, "get", f"/ama/questions/{hidden.pk}", alice_token).status_code == 200
    detail = call(client, "get", f"/ama/questions/{mine.pk}", bob_token).json()
    assert (detail["mine"], detail["asker_name"]) == (True, None)
    second = call(client, "get", path, bob_token, {"limit": 2, "offset": 2}).json()
    assert [i["text"] for i in second["items"]] == ["First", "Mine"]
    assert second["next_offset"] is None
    assert first.pk


def test_reading_the_list_makes_no_place_in_the_session(client, bob, bob_token, session):
    call(client, "get", f"/ama/sessions/{session.pk}/questions", bob_token)
    assert not session.participants.filter(user=bob).exists()


# --- votes ------------------------------------------------------------------------------------


def test_voting_twice_and_retracting_twice_change_the_count_once(
    client, bob, bob_token, session, alice_place
):
    question = ama.question_ask(session=session, participant=alice_place, text="Vote me")
    path = f"/ama/questions/{question.pk}/vote"
    for _ in range(2):
        response = call(client, "put", path, bob_token)
        assert response.status_code == 200
        assert response.json() == {"question_id": question.pk, "voted": True, "votes": 1}
    assert AmaVote.objects.filter(question=question).count() == 1
    for _ in range(2):
        response = call(client, "delete", path, bob_token)
        assert response.json() == {"question_id": question.pk, "voted": False, "votes": 0}
    assert not AmaVote.objects.exists()


def test_no_votes_for_answered_questions_or_in_closed_sessions(
    client, alice, bob_token, session, alice_place
):
    answered = ama.question_ask(session=session, participant=alice_place, text="Done?")
    ama.question_answer(question=answered, answer="Yes.", by=alice)
    response = call(client, "put", f"/ama/questions/{answered.pk}/vote", bob_token)
    assert errors_of(response) == {"__all__": ["Only open questions take votes."]}
    question = ama.question_ask(session=session, participant=alice_place, text="Open?")
    ama.ama_close(session=session)
    for method in ("put", "delete"):
        response = call(client, method, f"/ama/questions/{question.pk}/vote", bob_token)
        assert errors_of(response) == {"__all__": ["This session is closed."]}
    assert not AmaVote.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_upvotes_at_the_same_moment_are_all_counted(workspace, alice, session, alice_place):
    from django.db import connections

    question = ama.question_ask(session=session, participant=alice_place, text="Everyone?")
    tokens = [member(workspace, f"voter{n}")[1] for n in range(8)]
    barrier = threading.Barrier(len(tokens))
    statuses: list[int] = []

    def vote(token: str) -> None:
        try:
            barrier.wait(timeout=20)
            statuses.append(call(Client(), "put", f"/ama/questions/{question.pk}/vote",
                                 token).status_code)  # fmt: skip
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * len(tokens)
    question.refresh_from_db()
    assert question.votes == AmaVote.objects.filter(question=question).count() == len(tokens)


# --- moderation -------------------------------------------------------------------------------


def test_moderators_hide_show_pin_and_unpin(client, alice_token, bob_token, session, bob_place):
    question = ama.question_ask(session=session, participant=bob_place, text="Moderate me")
    base = f"/ama/questions/{question.pk}"
    for action in ("hide", "unhide", "pin", "unpin"):
        assert call(client, "post", f"{base}/{action}", bob_token).status_code == 403
    assert call(client, "post", f"{base}/hide", alice_token).json()["state"] == "hidden"
    assert list(errors_of(call(client, "post", f"{base}/hide", alice_token))) == ["__all__"]
    assert call(client, "post", f"{base}/unhide", alice_token).json()["state"] == "open"
    assert call(client, "post", f"{base}/pin", alice_token).json()["pinned"] is True
    assert call(client, "post", f"{base}/unpin", alice_token).json()["pinned"] is False


def test_a_session_moderator_moderates_without_the_manager_role(
    client, bob, bob_token, session, alice_place
):
    session.moderators.add(bob)
    question = ama.question_ask(session=session, participant=alice_place, text="Pin it")
    response = call(client, "post", f"/ama/questions/{question.pk}/pin", bob_token)
    assert response.status_code == 200
    assert response.json()["pinned"] is True


def test_merging_moves_the_votes(
    client, workspace, alice, alice_token, session, alice_place, bob_place
):
    into = ama.question_ask(session=session, participant=alice_place, text="Salaries?")
    same = ama.question_ask(session=session, participant=bob_place, text="Pay?")
    ama.vote_toggle(question=same, participant=alice_place)
    response = call(client, "post", f"/ama/questions/{same.pk}/merge", alice_token,
                    {"into_id": into.pk})  # fmt: skip
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["votes"]) == (into.pk, 1)
    same.refresh_from_db()
    assert (same.state, same.merged_into_id) == (QuestionState.MERGED, into.pk)
    # itself, a question of another session, an id of nothing: the field is named
    other = ama.ama_session_save(workspace=workspace, by=alice, title="Other", leader=alice,
                                 starts_at=timezone.now(), ends_at=timezone.now()
                                 + dt.timedelta(hours=1), audience=Audience.MEMBERS)  # fmt: skip
    elsewhere = ama.question_ask(session=other, participant=ama.participant_for_member(
        session=other, user=alice), text="Elsewhere")  # fmt: skip
    fresh = ama.question_ask(session=session, participant=bob_place, text="Fresh")
    for into_id in (fresh.pk, elsewhere.pk, 10**9, "x"):
        response = call(client, "post", f"/ama/questions/{fresh.pk}/merge", alice_token,
                        {"into_id": into_id})  # fmt: skip
        assert list(errors_of(response)) == ["into_id"], into_id
    response = call(client, "post", f"/ama/questions/{same.pk}/merge", alice_token,
                    {"into_id": fresh.pk})  # fmt: skip
    assert list(errors_of(response)) == ["question_id"]


def test_answering_closes_the_follow_up(client, alice, alice_token, bob_token, session, bob_place):
    question = ama.question_ask(session=session, participant=bob_place, text="Roadmap?")
    ama.ama_close(session=session)
    path = f"/ama/questions/{question.pk}/answer"
    assert call(client, "post", path, bob_token, {"answer": "Soon"}).status_code == 403
    assert list(errors_of(call(client, "post", path, alice_token, {"answer": "  "}))) == ["answer"]
    assert "answer" in errors_of(call(client, "post", path, alice_token, {"answer": "x" * 4001}))
    response = call(client, "post", path, alice_token, {"answer": "In May."})
    assert response.status_code == 200
    assert response.json()["state"] == "answered"
    assert response.json()["answered_by_name"] == "Alice Adler"
    assert AmaFollowUp.objects.get(question=question).done_at is not None
    answered = call(client, "get", f"/ama/sessions/{session.pk}/answered", bob_token).json()
    assert [item["answer"] for item in answered["items"]] == ["In May."]


def test_blocking_an_anonymous_asker_and_letting_them_back(
    client, alice_token, bob_token, session, bob_place
):
    question = ama.question_ask(session=session, participant=bob_place, text="Rude", anonymous=True)
    path = f"/ama/questions/{question.pk}/block"
    assert call(client, "post", path, bob_token, {"reason": "x"}).status_code == 403
    response = call(client, "post", path, alice_token, {"reason": "Insults"})
    assert response.status_code == 201
    assert set(response.json()) == {"id", "session_id", "reason", "blocked_by_name", "created_at"}
    question.refresh_from_db()
    assert question.state == QuestionState.HIDDEN
    ask = f"/ama/sessions/{session.pk}/questions"
    blocked = call(client, "post", ask, bob_token, {"text": "Again"})
    assert errors_of(blocked) == {"__all__": ["A moderator has blocked you from this session."]}
    assert "reason" in errors_of(call(client, "post", path, alice_token, {"reason": "x" * 301}))
    blocks = call(client, "get", f"/ama/sessions/{session.pk}/blocks", alice_token)
    assert [b["reason"] for b in blocks.json()] == ["Insults"]
    assert call(client, "get", f"/ama/sessions/{session.pk}/blocks", bob_token).status_code == 403
    block_id = blocks.json()[0]["id"]
    assert call(client, "delete", f"/ama/blocks/{block_id}", bob_token).status_code == 403
    assert call(client, "delete", f"/ama/blocks/{block_id}", alice_token).status_code == 204
    assert not AmaBlock.objects.exists()
    assert call(client, "post", ask, bob_token, {"text": "Again"}).status_code == 201


# --- follow-ups -------------------------------------------------------------------------------


@pytest.fixture
def follow_up(session, bob_place):
    ama.question_ask(session=session, participant=bob_place, text="Pending?", anonymous=True)
    ama.ama_close(session=session)
    return AmaFollowUp.objects.get()


def test_follow_ups_mine_and_everyones(client, alice_token, bob_token, follow_up):
    mine = call(client, "get", "/follow-ups", alice_token).json()["items"]
    assert [item["question_text"] for item in mine] == ["Pending?"]
    assert mine[0]["asker_name"] is None
    assert call(client, "get", "/follow-ups", bob_token).json()["items"] == []
    assert call(client, "get", "/follow-ups", bob_token, {"everyone": True}).status_code == 403
    everyone = call(client, "get", "/follow-ups", alice_token, {"everyone": True}).json()
    assert len(everyone["items"]) == 1


def test_a_follow_up_is_handed_on_and_moved(client, bob, carol, alice_token, bob_token, follow_up):
    path = f"/follow-ups/{follow_up.pk}"
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert call(client, "patch", path, bob_token, {"due_on": due}).status_code == 403
    response = call(client, "patch", path, alice_token, {"owner_id": bob.pk, "due_on": due})
    assert response.status_code == 200
    assert (response.json()["owner_id"], response.json()["due_on"]) == (bob.pk, due)
    # now bob owns it, and may move it himself
    assert call(client, "get", "/follow-ups", bob_token).json()["items"][0]["id"] == follow_up.pk
    assert call(client, "patch", path, bob_token, {"due_on": due}).status_code == 200
    assert list(errors_of(call(client, "patch", path, alice_token, {"owner_id": carol.pk}))) == [
        "owner_id"
    ]
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert list(errors_of(call(client, "patch", path, alice_token, {"due_on": yesterday}))) == [
        "due_on"
    ]
    assert "due_on" in errors_of(call(client, "patch", path, alice_token, {"due_on": "soon"}))


# --- anonymity --------------------------------------------------------------------------------


def test_no_answer_anywhere_names_an_anonymous_asker(
    client, alice, bob, alice_token, bob_token, session, bob_place, follow_up
):
    # given an anonymous question of bob's in a live session, answered and blocked
    live = ama.ama_session_save(workspace=session.workspace, by=alice, title="Live", leader=alice,
                                starts_at=timezone.now(), audience=Audience.BOTH,
                                ends_at=timezone.now() + dt.timedelta(hours=1))  # fmt: skip
    place = ama.participant_for_member(session=live, user=bob)
    secret = ama.question_ask(session=live, participant=place, text="Secret", anonymous=True)
    answered = ama.question_ask(session=live, participant=place, text="Ans", anonymous=True)
    ama.question_answer(question=answered, answer="Yes", by=alice)
    alice_there = ama.participant_for_member(session=live, user=alice)
    ama.vote_toggle(question=secret, participant=alice_there)
    blocked = call(client, "post", f"/ama/questions/{secret.pk}/block", alice_token, {})
    # when everyone reads every answer that shows these questions
    readings = [blocked]
    for token in (alice_token, bob_token):
        readings += [
            call(client, "get", f"/ama/sessions/{live.pk}/questions", token),
            call(client, "get", f"/ama/sessions/{live.pk}/answered", token),
            call(client, "get", f"/ama/questions/{answered.pk}", token),
            call(client, "get", f"/ama/sessions/{session.pk}/questions", token),
            call(client, "get", "/follow-ups", token, {"everyone": True, "done": True}),
        ]
    readings += [
        call(client, "get", f"/ama/questions/{secret.pk}", alice_token),
        call(client, "get", f"/ama/sessions/{live.pk}/blocks", alice_token),
    ]
    text = "\n".join(r.content.decode() for r in readings if r.status_code == 200)
    for shown in ("Secret", "Pending?", "Ans"):
        assert shown in text
    # then nothing names bob, his place, or the pseudonym
    for trace in (bob.username, bob.email, bob.first_name, bob.last_name, secret.pseudonym,
                  follow_up.question.pseudonym):  # fmt: skip
        assert trace not in text, trace
    for reading in readings:
        if reading.status_code == 200:
            _assert_no_asker(reading.json())


def _assert_no_asker(value) -> None:
    """Every question-like object that is anonymous has no asker value and no author key."""
    if isinstance(value, list):
        for item in value:
            _assert_no_asker(item)
    elif isinstance(value, dict):
        if value.get("anonymous") is True:
            assert value["asker_name"] is None, value
        assert not {"author", "author_id", "pseudonym", "participant_id"} & set(value)
        for item in value.values():
            _assert_no_asker(item)


# --- coffee: one's own participation ----------------------------------------------------------


def test_opting_in_pausing_and_out(client, bob, bob_token):
    assert call(client, "get", "/coffee/me", bob_token).json()["taking_part"] is False
    response = call(client, "put", "/coffee/me", bob_token, {"taking_part": True})
    assert response.json()["taking_part"] is True
    participant = CoffeeParticipant.objects.get(user=bob)
    until = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    assert call(client, "put", "/coffee/me/pause", bob_token,
                {"until": until}).json()["paused_until"] == until  # fmt: skip
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert list(errors_of(call(client, "put", "/coffee/me/pause", bob_token,
                               {"until": past}))) == ["paused_until"]  # fmt: skip
    assert call(client, "put", "/coffee/me/pause", bob_token,
                {"until": None}).json()["paused_until"] is None  # fmt: skip
    assert call(client, "put", "/coffee/me", bob_token,
                {"taking_part": False}).json()["taking_part"] is False  # fmt: skip
    participant.refresh_from_db()
    assert participant.active is False
    assert "taking_part" in errors_of(call(client, "put", "/coffee/me", bob_token, {}))


def test_pausing_or_a_holiday_needs_opting_in_first(client, bob_token):
    response = call(client, "put", "/coffee/me/pause", bob_token, {"until": None})
    assert errors_of(response) == {"__all__": ["Opt in to virtual coffee first."]}
    day = timezone.localdate().isoformat()
    response = call(client, "post", "/coffee/me/holidays", bob_token,
                    {"starts_on": day, "ends_on": day})  # fmt: skip
    assert errors_of(response) == {"__all__": ["Opt in to virtual coffee first."]}


def test_holidays_are_added_and_taken_back(client, workspace, alice, bob, bob_token):
    coffee.coffee_join(workspace=workspace, user=bob)
    start = timezone.localdate() + dt.timedelta(days=10)
    body = {"starts_on": start.isoformat(), "ends_on": (start + dt.timedelta(days=4)).isoformat()}
    response = call(client, "post", "/coffee/me/holidays", bob_token, body)
    assert response.status_code == 201
    holiday_id = response.json()["id"]
    assert call(client, "get", "/coffee/me", bob_token).json()["holidays"][0]["id"] == holiday_id
    backwards = {"starts_on": body["ends_on"], "ends_on": body["starts_on"]}
    assert list(errors_of(call(client, "post", "/coffee/me/holidays", bob_token,
                               backwards))) == ["ends_on"]  # fmt: skip
    too_long = {**body, "ends_on": (start + dt.timedelta(days=400)).isoformat()}
    assert list(errors_of(call(client, "post", "/coffee/me/holidays", bob_token,
                               too_long))) == ["ends_on"]  # fmt: skip
    alices = coffee.coffee_absence_add(participant=coffee.coffee_join(workspace=workspace,
                                                                      user=alice),
                                       starts_on=start, ends_on=start)  # fmt: skip
    assert call(client, "delete", f"/coffee/me/holidays/{alices.pk}", bob_token).status_code == 404
    assert call(client, "delete", f"/coffee/me/holidays/{holiday_id}",
                bob_token).status_code == 204  # fmt: skip
    assert list(CoffeeAbsence.objects.all()) == [alices]


@pytest.fixture
def coffee_pair(workspace, alice, bob):
    return [coffee.coffee_join(workspace=workspace, user=user) for user in (alice, bob)]


def test_my_groups_and_leaving_one(client, workspace, bob_token, coffee_pair):
    round_, _result = coffee.coffee_round_make(
        workspace=workspace, on=timezone.localdate() + dt.timedelta(days=3)
    )
    groups = call(client, "get", "/coffee/me/groups", bob_token).json()
    assert len(groups["upcoming"]) == 1
    assert groups["to_confirm"] == []
    group = groups["upcoming"][0]
    assert sorted(p["name"] for p in group["people"]) == ["Alice Adler", "Bob Bauer"]
    response = call(client, "post", f"/coffee/groups/{group['id']}/leave", bob_token)
    assert response.status_code == 200
    assert response.json()["state"] == GroupState.CANCELLED
    assert call(client, "get", "/coffee/me/groups", bob_token).json()["upcoming"] == []
    assert call(client, "post", f"/coffee/groups/{group['id']}/leave",
                bob_token).status_code == 404  # fmt: skip
    assert round_.number == 1


def test_confirming_a_past_coffee(client, workspace, bob_token, coffee_pair):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    coffee.coffee_round_make(workspace=workspace, on=yesterday)
    groups = call(client, "get", "/coffee/me/groups", bob_token).json()
    assert groups["upcoming"] == []
    group_id = groups["to_confirm"][0]["id"]
    assert list(errors_of(call(client, "post", f"/coffee/groups/{group_id}/leave",
                               bob_token))) == ["__all__"]  # fmt: skip
    assert "met" in errors_of(call(client, "post", f"/coffee/groups/{group_id}/confirm",
                                   bob_token, {}))  # fmt: skip
    response = call(client, "post", f"/coffee/groups/{group_id}/confirm", bob_token, {"met": True})
    assert response.status_code == 200
    assert response.json()["state"] == GroupState.MET


def test_someone_elses_group_is_not_found(client, workspace, coffee_pair):
    _dora, token = member(workspace, "dora")
    coffee.coffee_round_make(workspace=workspace, on=timezone.localdate() - dt.timedelta(days=1))
    group = CoffeeSeat.objects.first().group
    for action, body in (("leave", {}), ("confirm", {"met": True})):
        response = call(client, "post", f"/coffee/groups/{group.pk}/{action}", token, body)
        assert response.status_code == 404


def test_a_coffee_ahead_cannot_be_confirmed_yet(client, workspace, bob_token, coffee_pair):
    coffee.coffee_round_make(workspace=workspace, on=timezone.localdate() + dt.timedelta(days=3))
    group = CoffeeSeat.objects.first().group
    response = call(client, "post", f"/coffee/groups/{group.pk}/confirm", bob_token, {"met": True})
    assert errors_of(response) == {"__all__": ["The coffee has not taken place yet."]}


# --- coffee: managers -------------------------------------------------------------------------


def test_settings_are_read_and_changed_with_field_errors(client, alice_token, bob_token):
    assert call(client, "get", "/settings", alice_token).json()["coffee_minutes"] == 30
    assert call(client, "get", "/settings", bob_token).status_code == 403
    body = {"coffee_every": 2, "coffee_weekday": 3, "coffee_time": "14:30:00",
            "coffee_minutes": 45, "coffee_avoid_rounds": 4, "coffee_prefer_shared": False,
            "follow_up_days": 10}  # fmt: skip
    assert call(client, "put", "/settings", bob_token, body).status_code == 403
    response = call(client, "put", "/settings", alice_token, body)
    assert response.status_code == 200
    assert response.json() == body
    saved = InsideSettings.objects.get()
    assert (saved.coffee_every, saved.coffee_time) == (2, dt.time(14, 30))
    for field, value in (("coffee_minutes", 5), ("coffee_weekday", 6), ("coffee_every", 3),
                         ("follow_up_days", 0), ("coffee_avoid_rounds", 53),
                         ("coffee_time", "14:30:00+02:00"), ("coffee_minutes", 10**6),
                         ("coffee_time", "noon")):  # fmt: skip
        response = call(client, "put", "/settings", alice_token, {**body, field: value})
        assert field in errors_of(response), (field, value)
    assert InsideSettings.objects.get().coffee_minutes == 45


def test_managers_list_participants_and_invite_customers(
    client, workspace, alice, alice_token, bob_token, contact, carol_contact, coffee_pair
):
    response = call(client, "post", "/coffee/invitations", alice_token, {"contact_id": contact.pk})
    assert response.status_code == 201
    assert response.json()["customer"] is True
    assert response.json()["active"] is False
    assert response.json()["invited_by_name"] == "Alice Adler"
    for contact_id in (carol_contact.pk, 10**9, 0):
        response = call(client, "post", "/coffee/invitations", alice_token,
                        {"contact_id": contact_id})  # fmt: skip
        assert list(errors_of(response)) == ["contact_id"]
    silent = contact_save(workspace=workspace, fields={"last_name": "Stumm"})
    response = call(client, "post", "/coffee/invitations", alice_token, {"contact_id": silent.pk})
    assert list(errors_of(response)) == ["contact_id"]
    CoffeeParticipant.objects.filter(contact=contact).update(active=True)
    response = call(client, "post", "/coffee/invitations", alice_token, {"contact_id": contact.pk})
    assert list(errors_of(response)) == ["contact_id"]
    assert call(client, "post", "/coffee/invitations", bob_token,
                {"contact_id": contact.pk}).status_code == 403  # fmt: skip
    listed = call(client, "get", "/coffee/participants", alice_token).json()["items"]
    assert sorted(item["name"] for item in listed) == ["Alice Adler", "Bob Bauer", "Jürgen Müller"]
    assert call(client, "get", "/coffee/participants", bob_token).status_code == 403


def test_managers_make_the_next_round_and_list_rounds(
    client, workspace, alice_token, bob_token, coffee_pair
):
    assert call(client, "post", "/coffee/rounds", bob_token).status_code == 403
    response = call(client, "post", "/coffee/rounds", alice_token)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["number"] == 1
    assert len(made["groups"]) == 1
    assert len(made["groups"][0]["people"]) == 2
    assert CoffeeRound.objects.get().on.isoformat() == made["on"]
    second = call(client, "post", "/coffee/rounds", alice_token).json()
    assert second["number"] == 2
    rounds = call(client, "get", "/coffee/rounds", alice_token, {"limit": 1}).json()
    assert [r["number"] for r in rounds["items"]] == [2]
    assert rounds["next_offset"] == 1
    assert call(client, "get", "/coffee/rounds", bob_token).status_code == 403


# --- refusals across the board ----------------------------------------------------------------


@functools.cache
def _openapi():
    """Built once: building it takes seconds."""
    from touchbase.api import api

    return api.get_openapi_schema()


def _inside_operations():
    schema = _openapi()
    return [
        (path.removeprefix("/api/v1/inside"), method, operation)
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/inside/")
        for method, operation in methods.items()
    ]


def _filled(path: str, value: object) -> str:
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + str(value) + path[end + 1 :]
    return path


def _example(schema, components):
    """A minimal valid value for a JSON schema: required fields only."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[1]], components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return _example(schema[key][0], components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _example(properties[name], components) for name in schema.get("required", [])}
    examples = {"array": [], "integer": 1, "number": 1, "boolean": False}
    if kind in examples:
        return examples[kind]
    formats = {"date": timezone.localdate().isoformat(), "date-time": timezone.now().isoformat(),
               "time": "10:00:00"}  # fmt: skip
    return formats.get(schema.get("format"), "x")


def test_a_role_without_the_inside_capability_is_refused_everywhere(
    client, helper_token, session, follow_up
):
    components = _openapi()["components"]["schemas"]
    ids = {"session_id": session.pk, "follow_up_id": follow_up.pk}
    refused = 0
    for path, method, operation in _inside_operations():
        url = path
        for name, value in ids.items():
            url = url.replace("{" + name + "}", str(value))
        content = operation.get("requestBody", {}).get("content", {})
        body = _example(content["application/json"]["schema"], components) if content else {}
        response = call(client, method, _filled(url, 1), helper_token, body)
        assert response.status_code == 403, (method, path, response.status_code)
        refused += 1
    assert refused >= 30


@pytest.mark.parametrize(
    "body",
    [
        {
            "text": None,
            "answer": ["x"],
            "into_id": "x",
            "reason": 5,
            "owner_id": -1,
            "due_on": "2026-13-40",
            "until": "x",
            "taking_part": "maybe",
            "met": {},
            "contact_id": 10**30,
            "contact_ids": "x",
            "starts_on": 1,
            "ends_on": None,
            "title": {},
            "leader_id": 10**30,
            "starts_at": "x",
            "coffee_time": 5,
        },
        {"text": "\x00", "answer": "\x00", "reason": "\x00", "title": "\x00"},
        {
            "contact_ids": [10**30],
            "moderator_ids": [-5],
            "due_on": "0001-01-01",
            "starts_at": "0001-01-01T00:00:00+23:59",
            "ends_at": "9999-12-31T23:59:59-23:59",
        },
    ],
)
def test_bad_input_is_never_a_server_error(
    client, alice_token, session, bob_place, follow_up, coffee_pair, body
):
    question = ama.question_ask(session=session, participant=bob_place, text="Probe")
    ids = {"session_id": session.pk, "question_id": question.pk, "follow_up_id": follow_up.pk}
    for path, method, _operation in _inside_operations():
        url = path
        for name, value in ids.items():
            url = url.replace("{" + name + "}", str(value))
        for filled in (_filled(url, 10**30), _filled(url, "x"), _filled(url, 1)):
            response = call(client, method, filled, alice_token, {} if method == "get" else body)
            if filled.endswith("/join-link") and not _public_ama_exists():
                continue  # a clean 503 until the public page is merged (its own test above)
            assert response.status_code < 500, (method, filled, response.content)


def test_anonymous_callers_are_refused(client, session):
    response = client.get(f"{API}/ama/sessions/{session.pk}/questions")
    assert response.status_code == 401


# --- the OpenAPI description ------------------------------------------------------------------


def _models_in(annotation, found: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models_in(argument, found)


def test_the_openapi_description_builds_with_no_clashing_schema_names():
    from touchbase.api import api

    schema = api.get_openapi_schema()
    assert any(path.startswith("/api/v1/inside/") for path in schema["paths"])
    found: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    _models_in(model, found)
                for model in operation.models:
                    _models_in(model, found)
    by_name: dict[str, set[str]] = {}
    for model in found:
        by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    ours = {name for name, where in by_name.items() if any("touchbase.inside" in w for w in where)}
    assert {"AmaSessionOut", "AmaQuestionOut", "CoffeeGroupOut", "InsideSettingsIn"} <= ours
    clashes = {name: where for name, where in by_name.items() if name in ours and len(where) > 1}
    assert clashes == {}
    components = schema["components"]["schemas"]
    for name in ours:
        assert name in components or name.endswith(("Filters", "Params")), name
