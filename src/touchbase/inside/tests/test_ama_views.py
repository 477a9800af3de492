"""Members' AMA pages: sessions, the live list's contract, asking, voting, moderating and
follow-ups."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import replace

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from touchbase.core.choices import Role
from touchbase.core.models import Membership
from touchbase.core.services import member_add, member_remove
from touchbase.inside import ama
from touchbase.inside.choices import Audience, QuestionState
from touchbase.inside.middleware import PASS_COOKIE, PASS_SECONDS, LivePass, live_pass, poll_key
from touchbase.inside.models import AmaBlock, AmaFollowUp, AmaQuestion, AmaSession, AmaVote

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
SECRET = "Why are the bonuses late again?"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bob_client(bob):
    """Bob's own browser, beside alice_client (which is the `client` fixture)."""
    browser = Client()
    browser.force_login(bob)
    return browser


def _poll(client, session, version):
    url = reverse("inside:ama_questions", args=[session.pk])
    return client.get(url, {"v": version}, headers=HTMX)


def own_marks(html: str) -> tuple[set[int], set[int]]:
    """The votes and questions #ama-me says are the viewer's (the page's script marks them)."""
    found = re.search(r'id="ama-me" hidden data-voted="([\d ]*)" data-mine="([\d ]*)"', html)
    assert found is not None, "no #ama-me in the answer"
    return tuple({int(pk) for pk in group.split()} for group in found.groups())  # type: ignore[return-value]


def _traces(user) -> list[str]:
    return [user.username, user.email, user.first_name, user.last_name, user.get_full_name()]


# --- sessions ---------------------------------------------------------------------------------


def test_home_lists_the_sessions_and_offers_managers_to_schedule(alice_client, session):
    response = alice_client.get(reverse("inside:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ask Alice anything" in html
    assert reverse("inside:ama_new") in html


def test_home_offers_staff_no_scheduling_and_counts_their_follow_ups(client, bob, alice):
    now = timezone.now()
    past = ama.ama_session_save(
        workspace=bob.memberships.get().workspace, by=alice, title="Bob's hour", leader=bob,
        audience=Audience.MEMBERS, starts_at=now - dt.timedelta(hours=2),
        ends_at=now - dt.timedelta(hours=1),
    )  # fmt: skip
    place = ama.participant_for_member(session=past, user=alice)
    ama.question_ask(session=past, participant=place, text="Open one?")
    ama.ama_close(session=past)
    client.force_login(bob)
    response = client.get(reverse("inside:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("inside:ama_new") not in html
    assert "You have 1 open follow-up." in html


def test_a_helper_may_not_see_the_inside_pages(client, workspace, session):
    helper = member_add(workspace=workspace, username="hanna", password="hanna-password-1",
                        role=Role.HELPER).user  # fmt: skip
    client.force_login(helper)
    assert client.get(reverse("inside:home")).status_code == 403
    assert client.get(reverse("inside:ama_detail", args=[session.pk])).status_code == 403


def _form(**changes) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Quarterly AMA", "description": "Ask anything.", "audience": Audience.MEMBERS,
        "starts_at": "2030-03-04T10:00", "ends_at": "2030-03-04T11:00",
        "anonymous_allowed": "on",
    }  # fmt: skip
    data.update(changes)
    return data


def test_a_manager_schedules_a_session_in_the_workspace_zone(alice_client, alice, bob, workspace):
    response = alice_client.post(
        reverse("inside:ama_new"), _form(leader=alice.pk, moderators=[bob.pk])
    )
    session = AmaSession.objects.get(title="Quarterly AMA")
    assert response.status_code == 302
    assert response["Location"] == reverse("inside:ama_detail", args=[session.pk])
    assert session.starts_at.astimezone(workspace.zone).strftime("%Y-%m-%d %H:%M") == (
        "2030-03-04 10:00"
    )
    assert list(session.moderators.all()) == [bob]
    assert session.anonymous_allowed is True


def test_a_session_ending_before_it_starts_shows_a_field_error(alice_client, alice):
    response = alice_client.post(
        reverse("inside:ama_new"), _form(leader=alice.pk, ends_at="2030-03-04T09:00")
    )
    assert response.status_code == 422
    assert "The session must end after it starts." in response.content.decode()
    assert not AmaSession.objects.filter(title="Quarterly AMA").exists()


def test_staff_may_not_schedule_edit_or_close(bob_client, bob, session):
    assert bob_client.post(reverse("inside:ama_new"), _form(leader=bob.pk)).status_code == 403
    edit = bob_client.post(reverse("inside:ama_edit", args=[session.pk]), _form(leader=bob.pk))
    close = bob_client.post(reverse("inside:ama_close", args=[session.pk]))
    session.refresh_from_db()
    assert (edit.status_code, close.status_code) == (403, 403)
    assert session.title == "Ask Alice anything"
    assert session.closed_at is None
    assert not AmaSession.objects.filter(title="Quarterly AMA").exists()


def test_a_manager_edits_a_session(alice_client, alice, session):
    response = alice_client.post(
        reverse("inside:ama_edit", args=[session.pk]), _form(leader=alice.pk, title="Renamed")
    )
    session.refresh_from_db()
    assert response.status_code == 302
    assert session.title == "Renamed"


def test_closing_keeps_answers_as_the_page_and_shows_open_ones_as_follow_ups(
    alice_client, alice, session, bob_place
):
    answered = ama.question_ask(session=session, participant=bob_place, text="When is Aurora?")
    ama.question_answer(question=answered, answer="In May.", by=alice)
    ama.question_ask(session=session, participant=bob_place, text="And the budget?")
    response = alice_client.post(reverse("inside:ama_close", args=[session.pk]))
    assert response.status_code == 302
    page = alice_client.get(reverse("inside:ama_detail", args=[session.pk])).content.decode()
    assert AmaFollowUp.objects.filter(question__text="And the budget?", owner=alice).count() == 1
    answers = page.split('id="answered"')[1].split('id="left-open"')[0]
    assert "When is Aurora?" in answers
    assert "In May." in answers
    assert "And the budget?" in page.split('id="left-open"')[1]
    assert 'id="questions"' not in page


# --- the live list ------------------------------------------------------------------------------


def test_the_poll_answers_204_without_a_body_when_nothing_changed(alice_client, session):
    alice_client.get(reverse("inside:ama_detail", args=[session.pk]))
    version = AmaSession.objects.get(pk=session.pk).version
    response = _poll(alice_client, session, version)
    assert response.status_code == 204
    assert response.content == b""


def test_the_poll_answers_the_list_with_the_current_version(alice_client, session, bob_place):
    old = AmaSession.objects.get(pk=session.pk).version
    ama.question_ask(session=session, participant=bob_place, text="New here?")
    current = AmaSession.objects.get(pk=session.pk).version
    response = _poll(alice_client, session, old)
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'data-[\w-]*version="(\d+)"', html).group(1) == str(current)
    assert f"?k={poll_key(session.pk)}&amp;v={current}" in html
    assert 'hx-trigger="every 1500ms"' in html
    assert "New here?" in html


def test_the_poll_refuses_another_workspaces_session(carol_client, session):
    assert _poll(carol_client, session, 0).status_code == 404
    assert _poll(carol_client, session, session.version).status_code == 404


def _keyed_poll(client, session, version, key):
    url = reverse("inside:ama_questions", args=[session.pk])
    return client.get(url, {"k": key, "v": version}, headers=HTMX)


def test_a_keyed_poll_with_nothing_new_gets_its_204_from_one_read(
    client, session, django_assert_num_queries
):
    version = AmaSession.objects.get(pk=session.pk).version
    with django_assert_num_queries(1):
        response = _keyed_poll(client, session, version, poll_key(session.pk))
    assert response.status_code == 204
    assert response.content == b""


def test_a_keyed_poll_with_news_takes_the_usual_checks(carol_client, session, bob_place):
    key = poll_key(session.pk)
    ama.question_ask(session=session, participant=bob_place, text="Anything new?")
    stale = AmaSession.objects.get(pk=session.pk).version - 1
    # nobody signed in: to the sign-in page, no list
    anonymous = _keyed_poll(Client(), session, stale, key)
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]
    # a member of another workspace: 404, the key notwithstanding
    assert _keyed_poll(carol_client, session, stale, key).status_code == 404


def test_a_poll_with_a_wrong_key_gets_no_fast_answer(client, session, other_workspace, carol):
    version = AmaSession.objects.get(pk=session.pk).version
    for key in ("", "0" * 32, poll_key(session.pk + 1)):
        response = _keyed_poll(client, session, version, key)
        assert response.status_code == 302, key


def _pass_of(client) -> str:
    return client.cookies[PASS_COOKIE].value


def test_a_live_pass_gets_the_news_from_one_read(
    bob_client, session, bob_place, django_assert_num_queries
):
    # given: bob's page gave him a live pass, and a question came in since
    bob_client.get(reverse("inside:ama_detail", args=[session.pk]))
    old = AmaSession.objects.get(pk=session.pk).version
    ama.question_ask(session=session, participant=bob_place, text="Fresh news?")
    key = poll_key(session.pk)
    first = _keyed_poll(bob_client, session, old, key)  # the usual way makes the list
    # when: the next poll with that news
    with django_assert_num_queries(1):
        again = _keyed_poll(bob_client, session, old, key)
    # then: the same list, from memory
    assert again.status_code == 200
    assert again.content == first.content
    assert "Fresh news?" in again.content.decode()
    assert again["Cache-Control"] == "no-store"
    assert again["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in again["Content-Security-Policy"]


def test_the_live_pass_shows_a_moderator_the_hidden_and_nobody_else(
    alice_client, bob_client, session, bob_place, django_assert_num_queries
):
    question = ama.question_ask(session=session, participant=bob_place, text="Hide me")
    ama.question_hide(question=question)
    stale, key = AmaSession.objects.get(pk=session.pk).version - 1, poll_key(session.pk)
    for client, shown in ((alice_client, True), (bob_client, False)):
        _keyed_poll(client, session, stale, key)
        with django_assert_num_queries(1):
            fast = _keyed_poll(client, session, stale, key)
        assert ("Hide me" in fast.content.decode()) is shown


def test_a_live_pass_holds_only_beside_its_own_sign_in(
    bob_client, carol_client, session, bob_place
):
    # given: bob's pass, and news
    bob_client.get(reverse("inside:ama_detail", args=[session.pk]))
    ama.question_ask(session=session, participant=bob_place, text="Only for Pollux")
    stale, key = AmaSession.objects.get(pk=session.pk).version - 1, poll_key(session.pk)
    _keyed_poll(bob_client, session, stale, key)
    taken = _pass_of(bob_client)
    # then: in a stranger's browser the pass is worth nothing
    anonymous = Client()
    anonymous.cookies[PASS_COOKIE] = taken
    assert _keyed_poll(anonymous, session, stale, key).status_code == 302
    carol_client.cookies[PASS_COOKIE] = taken
    assert _keyed_poll(carol_client, session, stale, key).status_code == 404
    # and after signing out neither in bob's own
    bob_client.logout()
    bob_client.cookies[PASS_COOKIE] = taken
    response = _keyed_poll(bob_client, session, stale, key)
    assert response.status_code == 302
    assert "Only for Pollux" not in response.content.decode()


def test_an_old_or_altered_pass_takes_the_usual_checks(bob, bob_client, session, bob_place):
    # given: bob has left the workspace
    ama.question_ask(session=session, participant=bob_place, text="After he left")
    stale, key = AmaSession.objects.get(pk=session.pk).version - 1, poll_key(session.pk)
    _keyed_poll(bob_client, session, stale, key)
    member_remove(membership=Membership.objects.get(user=bob, workspace=session.workspace))
    browser = RequestFactory().get("/")
    browser.COOKIES = {name: morsel.value for name, morsel in bob_client.cookies.items()}
    view = LivePass(session_id=session.pk, user_id=bob.pk, workspace_id=session.workspace_id,
                    moderator=False, language="en")  # fmt: skip
    made_long_ago = live_pass(browser, view, issued=int(time.time()) - PASS_SECONDS - 1)
    good = live_pass(browser, view)
    other_session = live_pass(browser, replace(view, session_id=session.pk + 1))
    for cookie in (made_long_ago, good[:-1] + ("A" if good[-1] != "A" else "B"), other_session):
        bob_client.cookies[PASS_COOKIE] = cookie
        response = _keyed_poll(bob_client, session, stale, key)
        # then: the usual checks, and he is no longer a member
        assert response.status_code == 403, cookie
        assert "After he left" not in response.content.decode()
    # (a fresh pass still shows the list for its minute: the documented price of the fast path)
    bob_client.cookies[PASS_COOKIE] = good
    assert "After he left" in _keyed_poll(bob_client, session, stale, key).content.decode()


def test_the_list_shows_no_question_of_another_workspace(
    alice_client, session, other_workspace, carol
):
    now = timezone.now()
    theirs = ama.ama_session_save(
        workspace=other_workspace, by=carol, title="Castor", leader=carol,
        audience=Audience.MEMBERS, starts_at=now, ends_at=now + dt.timedelta(hours=1),
    )  # fmt: skip
    place = ama.participant_for_member(session=theirs, user=carol)
    ama.question_ask(session=theirs, participant=place, text="Fremdfirma fragt")
    html = _poll(alice_client, session, 0).content.decode()
    assert "Fremdfirma" not in html


def test_a_member_asks_and_the_list_comes_along(bob_client, session):
    response = bob_client.post(
        reverse("inside:ama_ask", args=[session.pk]),
        {"text": "Is there cake?", "notify": "on"}, headers=HTMX,
    )  # fmt: skip
    question = AmaQuestion.objects.get(session=session)
    html = response.content.decode()
    assert response.status_code == 200
    assert (question.text, question.anonymous, question.notify_asker) == (
        "Is there cake?",
        False,
        True,
    )
    assert question.author.user.username == "bob"
    assert 'hx-swap-oob="outerHTML"' in html
    assert "Is there cake?" in html
    assert own_marks(html) == (set(), {question.pk})
    assert 'id="ama-me" hidden data-voted="" data-mine="' in html.split("</form>")[-1]


def test_an_over_long_question_shows_a_field_error(bob_client, session):
    response = bob_client.post(
        reverse("inside:ama_ask", args=[session.pk]), {"text": "x" * 501}, headers=HTMX
    )
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()
    assert not AmaQuestion.objects.filter(session=session).exists()


def test_votes_toggle_and_show_as_pressed_for_the_voter_only(
    bob_client, client, alice, session, alice_place
):
    question = ama.question_ask(session=session, participant=alice_place, text="Vote me")
    url = reverse("inside:question_vote", args=[question.pk])
    html = bob_client.post(url, headers=HTMX).content.decode()
    question.refresh_from_db()
    assert question.votes == 1
    assert f'hx-post="/inside/ama/question/{question.pk}/vote/"' in html
    assert own_marks(html) == ({question.pk}, set())
    # Bob's page, first rendered, shows his vote pressed; Alice's shows none
    page = bob_client.get(reverse("inside:ama_detail", args=[session.pk])).content.decode()
    assert 'aria-pressed="true"' in page.split(f'id="question-{question.pk}"')[1]
    client.force_login(alice)
    other = _poll(client, session, 0).content.decode()
    assert 'aria-pressed="true"' not in other
    assert '<span class="count">1</span>' in other
    assert "ama-me" not in other
    alice_page = client.get(reverse("inside:ama_detail", args=[session.pk])).content.decode()
    assert own_marks(alice_page) == (set(), {question.pk})
    assert 'aria-pressed="true"' not in alice_page
    retracted = bob_client.post(url, headers=HTMX).content.decode()
    assert own_marks(retracted) == (set(), set())
    question.refresh_from_db()
    assert question.votes == 0
    assert not AmaVote.objects.filter(question=question).exists()
    # the count goes back, though the piece with none was made before
    assert '<span class="count">0</span>' in retracted.split(f'id="question-{question.pk}"')[1]


def test_another_workspaces_member_may_not_vote(carol_client, session, alice_place):
    question = ama.question_ask(session=session, participant=alice_place, text="Vote me")
    response = carol_client.post(reverse("inside:question_vote", args=[question.pk]))
    question.refresh_from_db()
    assert response.status_code == 404
    assert question.votes == 0


# --- anonymity ----------------------------------------------------------------------------------


def test_an_anonymous_question_names_nobody_anywhere(
    alice_client, bob_client, alice, bob, session, bob_place
):
    question = ama.question_ask(session=session, participant=bob_place, text=SECRET,
                                anonymous=True)  # fmt: skip
    pages = {
        "page": alice_client.get(reverse("inside:ama_detail", args=[session.pk])),
        "fragment": _poll(alice_client, session, 0),
        "answer": alice_client.get(reverse("inside:question_answer", args=[question.pk])),
        "merge": alice_client.get(reverse("inside:question_merge", args=[question.pk])),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert SECRET in html, name
        item = html.split(SECRET)[1][:400]
        assert "Anonymous" in item or name in ("answer", "merge"), name
        for trace in _traces(bob):
            assert trace not in html, (name, trace)
    ama.ama_close(session=session)
    closed = alice_client.get(reverse("inside:ama_detail", args=[session.pk])).content.decode()
    follow_ups = alice_client.get(reverse("inside:follow_ups")).content.decode()
    # (The owner filter above the table lists every member, Bob included.)
    follow_ups = follow_ups.split('id="follow-up-table"')[1]
    for html in (closed, follow_ups):
        assert SECRET in html
        for trace in _traces(bob):
            assert trace not in html
    # Bob himself sees it as his own, still without his name on it.
    mine = bob_client.get(reverse("inside:ama_detail", args=[session.pk])).content.decode()
    assert "Bob Bauer" not in mine.split(SECRET)[1][:400]


def test_the_own_mark_is_the_askers_alone(alice_client, bob_client, session, bob_place):
    question = ama.question_ask(session=session, participant=bob_place, text=SECRET,
                                anonymous=True)  # fmt: skip
    marker = f'id="question-{question.pk}"'
    page = reverse("inside:ama_detail", args=[session.pk])
    theirs = bob_client.get(page).content.decode()
    others = alice_client.get(page).content.decode()
    assert 'class="badge mine">' in theirs.split(marker)[1]
    assert 'class="badge mine" hidden>' in others.split(marker)[1]
    assert own_marks(theirs) == (set(), {question.pk})
    assert own_marks(others) == (set(), set())
    # the polled list is the same text for everyone: nothing in it tells whose question it is
    polled = _poll(bob_client, session, 0).content.decode()
    assert 'class="badge mine" hidden>' in polled.split(marker)[1]
    assert "ama-me" not in polled


def test_a_named_question_shows_the_askers_name(alice_client, session, bob_place):
    ama.question_ask(session=session, participant=bob_place, text="Named one")
    html = _poll(alice_client, session, 0).content.decode()
    assert "Bob Bauer" in html.split("Named one")[1][:400]


# --- moderating ---------------------------------------------------------------------------------


def test_moderators_see_actions_and_participants_do_not(alice_client, bob_client, session,
                                                       bob_place):  # fmt: skip
    question = ama.question_ask(session=session, participant=bob_place, text="Moderate me")
    hide = f"/inside/ama/question/{question.pk}/hide/"
    assert hide in _poll(alice_client, session, 0).content.decode()
    assert hide not in _poll(bob_client, session, 0).content.decode()


def test_a_moderator_blocks_an_anonymous_abuser_without_learning_who(
    alice_client, bob_client, bob, session, bob_place, alice_place
):
    abuse = ama.question_ask(session=session, participant=bob_place, text="You are all idiots",
                             anonymous=True)  # fmt: skip
    target = ama.question_ask(session=session, participant=alice_place, text="Fair question")
    response = alice_client.post(reverse("inside:question_block", args=[abuse.pk]), headers=HTMX)
    html = response.content.decode()
    abuse.refresh_from_db()
    assert response.status_code == 200
    assert abuse.state == QuestionState.HIDDEN
    assert AmaBlock.objects.filter(session=session).count() == 1
    page = alice_client.get(reverse("inside:ama_detail", args=[session.pk])).content.decode()
    for text in (html, page):
        for trace in _traces(bob):
            assert trace not in text
    # Bob can neither ask nor vote any more, and is told so.
    ask = bob_client.post(reverse("inside:ama_ask", args=[session.pk]), {"text": "Again!"},
                          headers=HTMX)  # fmt: skip
    assert ask.status_code == 422
    assert "A moderator has blocked you from this session." in ask.content.decode()
    vote = bob_client.post(reverse("inside:question_vote", args=[target.pk]), headers=HTMX)
    assert "A moderator has blocked you from this session." in vote.content.decode()
    target.refresh_from_db()
    assert target.votes == 0
    assert AmaQuestion.objects.filter(session=session).count() == 2
    bob_page = bob_client.get(reverse("inside:ama_detail", args=[session.pk])).content.decode()
    assert 'id="blocked-note"' in bob_page
    # Lifting the block lets him back in.
    block = AmaBlock.objects.get(session=session)
    assert alice_client.post(reverse("inside:block_remove", args=[block.pk])).status_code == 302
    bob_client.post(reverse("inside:question_vote", args=[target.pk]), headers=HTMX)
    target.refresh_from_db()
    assert target.votes == 1


def test_a_participant_may_not_moderate(bob_client, session, alice_place, bob_place):
    question = ama.question_ask(session=session, participant=alice_place, text="Keep me")
    other = ama.question_ask(session=session, participant=bob_place, text="Other")
    for action in ("hide", "pin", "block"):
        url = reverse(f"inside:question_{action}", args=[question.pk])
        assert bob_client.post(url, headers=HTMX).status_code == 403
    merge = bob_client.post(reverse("inside:question_merge", args=[question.pk]),
                            {"into": other.pk})  # fmt: skip
    answer = bob_client.post(reverse("inside:question_answer", args=[question.pk]),
                             {"answer": "No."})  # fmt: skip
    question.refresh_from_db()
    assert (merge.status_code, answer.status_code) == (403, 403)
    assert (question.state, question.pinned, question.answer) == (QuestionState.OPEN, False, "")
    assert not AmaBlock.objects.exists()


def test_a_session_moderator_moderates(client, bob, session, alice_place):
    session.moderators.add(bob)
    question = ama.question_ask(session=session, participant=alice_place, text="Pin me")
    client.force_login(bob)
    client.post(reverse("inside:question_pin", args=[question.pk]), {"pinned": "1"}, headers=HTMX)
    question.refresh_from_db()
    assert question.pinned is True


def test_hide_and_show_again(alice_client, session, bob_place, bob_client):
    question = ama.question_ask(session=session, participant=bob_place, text="Hide me")
    url = reverse("inside:question_hide", args=[question.pk])
    alice_client.post(url, {"hidden": "1"}, headers=HTMX)
    question.refresh_from_db()
    assert question.state == QuestionState.HIDDEN
    assert "Hide me" not in _poll(bob_client, session, 0).content.decode()
    assert "Hide me" in _poll(alice_client, session, 0).content.decode()
    alice_client.post(url, {"hidden": "0"}, headers=HTMX)
    question.refresh_from_db()
    assert question.state == QuestionState.OPEN


def test_merge_moves_the_votes(alice_client, session, bob_place, alice_place):
    first = ama.question_ask(session=session, participant=alice_place, text="Cake?")
    second = ama.question_ask(session=session, participant=bob_place, text="Any cake?")
    ama.vote_toggle(question=second, participant=bob_place)
    response = alice_client.post(reverse("inside:question_merge", args=[second.pk]),
                                 {"into": first.pk})  # fmt: skip
    first.refresh_from_db()
    second.refresh_from_db()
    assert response.status_code == 302
    assert (second.state, second.merged_into_id, first.votes) == (QuestionState.MERGED, first.pk, 1)


def test_merge_into_a_question_of_another_session_is_refused(alice_client, alice, session,
                                                            alice_place, workspace):  # fmt: skip
    question = ama.question_ask(session=session, participant=alice_place, text="Here")
    now = timezone.now()
    other = ama.ama_session_save(workspace=workspace, by=alice, title="Other", leader=alice,
                                 audience=Audience.MEMBERS, starts_at=now,
                                 ends_at=now + dt.timedelta(hours=1))  # fmt: skip
    elsewhere = ama.question_ask(session=other, participant=ama.participant_for_member(
        session=other, user=alice), text="There")  # fmt: skip
    response = alice_client.post(reverse("inside:question_merge", args=[question.pk]),
                                 {"into": elsewhere.pk})  # fmt: skip
    question.refresh_from_db()
    assert response.status_code == 422
    assert question.state == QuestionState.OPEN


def test_the_leader_answers(alice_client, session, bob_place):
    question = ama.question_ask(session=session, participant=bob_place, text="Answer me")
    response = alice_client.post(reverse("inside:question_answer", args=[question.pk]),
                                 {"answer": "Here you go."})  # fmt: skip
    question.refresh_from_db()
    assert response.status_code == 302
    assert (question.state, question.answer) == (QuestionState.ANSWERED, "Here you go.")
    empty = alice_client.post(reverse("inside:question_answer", args=[question.pk]),
                              {"answer": ""})  # fmt: skip
    assert empty.status_code == 422


# --- customers ----------------------------------------------------------------------------------


def test_a_manager_sees_the_join_link_and_withdraws_all_links(alice_client, session):
    page = alice_client.get(reverse("inside:ama_detail", args=[session.pk])).content.decode()
    assert f"/meet/{session.workspace.slug}/ama/" in page
    nonce = session.join_nonce
    response = alice_client.post(reverse("inside:ama_links_withdraw", args=[session.pk]))
    session.refresh_from_db()
    assert response.status_code == 302
    assert session.join_nonce != nonce


def test_staff_see_no_join_link_and_may_not_withdraw(bob_client, session):
    page = bob_client.get(reverse("inside:ama_detail", args=[session.pk])).content.decode()
    assert "/meet/" not in page
    nonce = session.join_nonce
    assert bob_client.post(reverse("inside:ama_links_withdraw", args=[session.pk])).status_code \
        == 403  # fmt: skip
    session.refresh_from_db()
    assert session.join_nonce == nonce


def test_a_manager_invites_customers_with_an_address(
    alice_client, session, contact, django_capture_on_commit_callbacks
):
    url = reverse("inside:ama_invite", args=[session.pk])
    page = alice_client.get(url).content.decode()
    assert contact.last_name in page
    with django_capture_on_commit_callbacks() as callbacks:
        response = alice_client.post(url, {"contacts": [contact.pk]})
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert alice_client.post(url, {"contacts": []}).status_code == 422


# --- follow-ups ---------------------------------------------------------------------------------


@pytest.fixture
def follow_up(session, bob_place):
    ama.question_ask(session=session, participant=bob_place, text="Left open")
    ama.ama_close(session=session)
    return AmaFollowUp.objects.get(question__text="Left open")


def test_the_follow_ups_page_lists_mine_and_answering_marks_it_done(alice_client, follow_up):
    html = alice_client.get(reverse("inside:follow_ups")).content.decode()
    assert "Left open" in html
    response = alice_client.post(
        reverse("inside:question_answer", args=[follow_up.question_id]),
        {"answer": "Done now.", "next": "follow-ups"},
    )
    follow_up.refresh_from_db()
    assert response["Location"] == reverse("inside:follow_ups")
    assert follow_up.done_at is not None
    assert "Left open" not in alice_client.get(reverse("inside:follow_ups")).content.decode()


def test_a_follow_up_changes_owner_and_due_date(alice_client, client, bob, follow_up):
    due = dt.date(2031, 1, 15)
    response = alice_client.post(reverse("inside:follow_up_edit", args=[follow_up.pk]),
                                 {"owner": bob.pk, "due_on": due.isoformat()})  # fmt: skip
    follow_up.refresh_from_db()
    assert response.status_code == 302
    assert (follow_up.owner, follow_up.due_on) == (bob, due)
    client.force_login(bob)
    assert "Left open" in client.get(reverse("inside:follow_ups")).content.decode()
    # The new owner may answer it from there.
    client.post(reverse("inside:question_answer", args=[follow_up.question_id]), {"answer": "Ok"})
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None


def test_staff_may_not_change_someone_elses_follow_up(bob_client, alice, follow_up):
    response = bob_client.post(reverse("inside:follow_up_edit", args=[follow_up.pk]),
                               {"owner": alice.pk, "due_on": "2031-01-01"})  # fmt: skip
    assert response.status_code == 403
    assert "Left open" not in bob_client.get(reverse("inside:follow_ups")).content.decode()


def test_a_bad_due_date_shows_a_field_error(alice_client, follow_up, alice):
    response = alice_client.post(reverse("inside:follow_up_edit", args=[follow_up.pk]),
                                 {"owner": alice.pk, "due_on": "soon"})  # fmt: skip
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()
