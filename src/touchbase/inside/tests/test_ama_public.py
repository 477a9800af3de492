"""Guests' AMA pages: joining by a link, asking and voting, and every way a stranger can fail."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from touchbase.core.signing import link_sign
from touchbase.inside import ama
from touchbase.inside.choices import Audience, ParticipantKind, QuestionState
from touchbase.inside.models import AmaParticipant, AmaQuestion, AmaSession
from touchbase.inside.tests.test_ama_views import own_marks

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _url(session, name="inside:public_ama", *args, token=None):
    token = token or ama.join_token(session=session)
    return reverse(name, args=[session.workspace.slug, token, *args])


def _join(client, session, name="Greta Gast", **extra):
    data = {"name": name, "email": "", "language": "en", **extra}
    return client.post(_url(session), data)


@pytest.fixture
def guest_client(session):
    browser = Client()
    response = _join(browser, session)
    assert response.status_code == 302
    return browser


def _guest(session) -> AmaParticipant:
    return AmaParticipant.objects.get(session=session, kind=ParticipantKind.GUEST,
                                      name="Greta Gast")  # fmt: skip


def test_the_link_opens_a_join_form(client, session):
    response = client.get(_url(session))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ask Alice anything" in html
    assert 'name="website"' in html
    assert 'name="name"' in html
    assert response["Cache-Control"] == "no-store, private"


def test_a_personal_link_fills_in_the_customer(client, session, contact):
    response = client.get(_url(session, token=ama.join_token(session=session, contact=contact)))
    assert contact.email in response.content.decode()


def test_joining_sets_an_http_only_key_and_opens_the_session(client, session):
    response = _join(client, session)
    cookie = response.cookies[f"ama_guest_{session.pk}"]
    guest = _guest(session)
    assert response.status_code == 302
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert guest.language == "en"
    page = client.get(_url(session))
    assert page.status_code == 200
    assert 'id="questions"' in page.content.decode()
    assert 'id="ask"' in page.content.decode()


def test_a_robot_filling_the_honeypot_joins_nobody(client, session):
    response = _join(client, session, website="https://spam.example")
    assert response.status_code == 302
    assert not AmaParticipant.objects.filter(kind=ParticipantKind.GUEST).exists()
    assert f"ama_guest_{session.pk}" not in response.cookies


def test_an_over_long_name_or_a_bad_address_shows_field_errors(client, session):
    response = _join(client, session, name="n" * 81)
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()
    assert _join(client, session, email="not an address").status_code == 422
    assert not AmaParticipant.objects.filter(kind=ParticipantKind.GUEST).exists()


def test_joining_is_rate_limited(session):
    for _attempt in range(30):
        assert _join(Client(), session).status_code == 302
    response = _join(Client(), session)
    assert response.status_code == 429
    assert AmaParticipant.objects.filter(kind=ParticipantKind.GUEST).count() == 30


def test_a_forged_link_is_a_clear_404(client, session):
    response = client.get(_url(session, token="forged-token"))
    assert response.status_code == 404
    assert "This link is not valid." in response.content.decode()


def test_a_withdrawn_link_is_a_clear_410(client, session):
    url = _url(session)
    ama.join_links_withdraw(session=session)
    response = client.get(url)
    assert response.status_code == 410
    assert "This link has been withdrawn." in response.content.decode()


def test_an_expired_link_is_a_clear_410(client, session, clock):
    url = _url(session)
    clock.advance(dt.timedelta(days=40).total_seconds())
    response = client.get(url)
    assert response.status_code == 410
    assert "This link has expired." in response.content.decode()


def test_a_link_of_a_members_only_session_is_refused(client, workspace, alice):
    now = timezone.now()
    inner = ama.ama_session_save(
        workspace=workspace, by=alice, title="Inner circle", leader=alice,
        audience=Audience.MEMBERS, starts_at=now, ends_at=now + dt.timedelta(hours=1),
    )  # fmt: skip
    assert client.get(_url(inner)).status_code == 410


def test_a_genuine_signature_over_a_strange_payload_is_a_404(client, session):
    token = link_sign(purpose=ama.JOIN_PURPOSE, payload={"s": "abc", "n": 1},
                      max_age=dt.timedelta(hours=1))  # fmt: skip
    assert client.get(_url(session, token=token)).status_code == 404


def test_a_link_under_another_workspaces_slug_opens_nothing(client, session, other_workspace):
    token = ama.join_token(session=session)
    response = client.get(reverse("inside:public_ama", args=[other_workspace.slug, token]))
    assert response.status_code == 410
    assert "Ask Alice anything" not in response.content.decode()


def test_a_guest_asks_and_votes(guest_client, session, alice_place):
    response = guest_client.post(_url(session, "inside:public_ama_ask"),
                                 {"text": "Will you ship to Austria?", "anonymous": "on"},
                                 headers=HTMX)  # fmt: skip
    asked = AmaQuestion.objects.get(text="Will you ship to Austria?")
    assert response.status_code == 200
    assert (asked.anonymous, asked.author) == (True, None)
    assert "Greta" not in response.content.decode()
    theirs = ama.question_ask(session=session, participant=alice_place, text="Alice asks")
    vote = guest_client.post(_url(session, "inside:public_ama_vote", theirs.pk), headers=HTMX)
    theirs.refresh_from_db()
    html = vote.content.decode()
    assert vote.status_code == 200
    assert theirs.votes == 1
    assert f"/question/{theirs.pk}/vote/" in html
    assert "/inside/" not in html
    assert own_marks(html) == ({theirs.pk}, {asked.pk})
    page = guest_client.get(_url(session, "inside:public_ama")).content.decode()
    assert 'aria-pressed="true"' in page.split(f'id="question-{theirs.pk}"')[1].split("</li>")[0]


def test_a_guests_named_question_shows_their_name(guest_client, session):
    guest_client.post(_url(session, "inside:public_ama_ask"), {"text": "Named guest"},
                      headers=HTMX)  # fmt: skip
    assert AmaQuestion.objects.get(text="Named guest").author == _guest(session)


def test_an_over_long_question_of_a_guest_is_refused(guest_client, session):
    response = guest_client.post(_url(session, "inside:public_ama_ask"), {"text": "q" * 501},
                                 headers=HTMX)  # fmt: skip
    assert response.status_code == 422
    assert not AmaQuestion.objects.exists()


def test_without_joining_a_stranger_can_neither_ask_nor_vote(client, session, alice_place):
    question = ama.question_ask(session=session, participant=alice_place, text="Alice asks")
    ask = client.post(_url(session, "inside:public_ama_ask"), {"text": "Sneaky"})
    vote = client.post(_url(session, "inside:public_ama_vote", question.pk))
    question.refresh_from_db()
    assert (ask.status_code, vote.status_code) == (302, 302)
    assert question.votes == 0
    assert AmaQuestion.objects.count() == 1
    assert client.get(_url(session, "inside:public_ama_questions"), {"v": 0}).status_code == 403


def test_a_guest_reaches_no_question_of_another_session(guest_client, session, alice, workspace):
    now = timezone.now()
    other = ama.ama_session_save(
        workspace=workspace, by=alice, title="Another", leader=alice, audience=Audience.BOTH,
        starts_at=now, ends_at=now + dt.timedelta(hours=1),
    )  # fmt: skip
    elsewhere = ama.question_ask(session=other, participant=ama.participant_for_member(
        session=other, user=alice), text="Elsewhere")  # fmt: skip
    response = guest_client.post(_url(session, "inside:public_ama_vote", elsewhere.pk),
                                 headers=HTMX)  # fmt: skip
    elsewhere.refresh_from_db()
    assert response.status_code == 404
    assert elsewhere.votes == 0
    # The key of one session opens no other: the other session's link asks to join.
    page = guest_client.get(_url(other)).content.decode()
    assert 'name="website"' in page


def test_the_guests_poll_keeps_the_contract(guest_client, session, alice_place):
    version = AmaSession.objects.get(pk=session.pk).version
    url = _url(session, "inside:public_ama_questions")
    unchanged = guest_client.get(url, {"v": version}, headers=HTMX)
    assert (unchanged.status_code, unchanged.content) == (204, b"")
    ama.question_ask(session=session, participant=alice_place, text="Fresh")
    current = AmaSession.objects.get(pk=session.pk).version
    changed = guest_client.get(url, {"v": version}, headers=HTMX)
    html = changed.content.decode()
    assert changed.status_code == 200
    assert re.search(r'data-version="(\d+)"', html).group(1) == str(current)
    assert "Fresh" in html


def test_a_blocked_guest_is_told_and_cannot_ask_or_vote(guest_client, session, alice,
                                                       alice_place):  # fmt: skip
    guest_client.post(_url(session, "inside:public_ama_ask"), {"text": "Rude", "anonymous": "on"},
                      headers=HTMX)  # fmt: skip
    ama.author_block(question=AmaQuestion.objects.get(text="Rude"), by=alice)
    target = ama.question_ask(session=session, participant=alice_place, text="Fine")
    ask = guest_client.post(_url(session, "inside:public_ama_ask"), {"text": "Again"},
                            headers=HTMX)  # fmt: skip
    vote = guest_client.post(_url(session, "inside:public_ama_vote", target.pk), headers=HTMX)
    target.refresh_from_db()
    assert ask.status_code == 422
    assert "A moderator has blocked you from this session." in ask.content.decode()
    assert "A moderator has blocked you from this session." in vote.content.decode()
    assert target.votes == 0
    assert 'id="blocked-note"' in guest_client.get(_url(session)).content.decode()


def test_voting_is_rate_limited(guest_client, session, alice_place, settings):
    from touchbase.visitors import services as visitors

    settings_limit = visitors.LIMITS["ama-vote"]
    question = ama.question_ask(session=session, participant=alice_place, text="Vote")
    url = _url(session, "inside:public_ama_vote", question.pk)
    for _attempt in range(settings_limit.per_email):
        guest_client.post(url, headers=HTMX)
    response = guest_client.post(url, headers=HTMX)
    question.refresh_from_db()
    assert response.status_code == 429
    assert question.votes == settings_limit.per_email % 2


def test_after_closing_guests_see_the_answered_page(guest_client, session, alice, alice_place):
    answered = ama.question_ask(session=session, participant=alice_place, text="Answered one")
    ama.question_answer(question=answered, answer="Yes, soon.", by=alice)
    ama.question_ask(session=session, participant=alice_place, text="Still open")
    ama.ama_close(session=session)
    for browser in (guest_client, Client()):
        response = browser.get(_url(session))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Yes, soon." in html
        assert "Still open" in html
        assert 'id="questions"' not in html
    assert AmaQuestion.objects.get(text="Still open").state == QuestionState.OPEN
