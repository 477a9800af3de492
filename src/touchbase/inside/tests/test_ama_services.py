"""AMA services: asking, voting, moderating, anonymity, closing into follow-ups."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from touchbase.inside import ama
from touchbase.inside.choices import QuestionState
from touchbase.inside.models import AmaFollowUp, AmaQuestion, AmaVote

pytestmark = pytest.mark.django_db


def test_an_anonymous_question_keeps_no_author(session, bob_place):
    question = ama.question_ask(session=session, participant=bob_place, text="Why?", anonymous=True)
    question.refresh_from_db()
    assert question.author is None
    assert question.pseudonym == ama.pseudonym(session=session, participant=bob_place)


def test_a_vote_counts_once_and_can_be_taken_back(session, alice_place, bob_place):
    question = ama.question_ask(session=session, participant=bob_place, text="When?")
    assert ama.vote_toggle(question=question, participant=alice_place) is True
    question.refresh_from_db()
    assert question.votes == 1
    assert ama.vote_toggle(question=question, participant=alice_place) is False
    question.refresh_from_db()
    assert question.votes == 0
    assert not AmaVote.objects.filter(question=question).exists()


def test_a_blocked_anonymous_author_can_neither_ask_nor_vote(
    session, alice, bob_place, alice_place
):
    question = ama.question_ask(session=session, participant=bob_place, text="Rude", anonymous=True)
    other = ama.question_ask(session=session, participant=alice_place, text="Fine")
    ama.author_block(question=question, by=alice)
    question.refresh_from_db()
    assert question.state == QuestionState.HIDDEN
    with pytest.raises(ValidationError):
        ama.question_ask(session=session, participant=bob_place, text="Again", anonymous=True)
    with pytest.raises(ValidationError):
        ama.vote_toggle(question=other, participant=bob_place)


def test_merging_moves_votes_without_counting_anyone_twice(session, alice_place, bob_place, carol):
    first = ama.question_ask(session=session, participant=alice_place, text="Pay rise?")
    second = ama.question_ask(session=session, participant=bob_place, text="More money?")
    ama.vote_toggle(question=first, participant=bob_place)
    ama.vote_toggle(question=second, participant=bob_place)
    ama.vote_toggle(question=second, participant=alice_place)
    into = ama.question_merge(question=second, into=first)
    assert into.votes == 2
    second.refresh_from_db()
    assert second.state == QuestionState.MERGED
    assert second.merged_into_id == first.pk


def test_closing_turns_open_questions_into_follow_ups_for_the_leader(session, alice, bob_place):
    answered = ama.question_ask(session=session, participant=bob_place, text="One")
    ama.question_answer(question=answered, answer="Yes.", by=alice)
    left = ama.question_ask(session=session, participant=bob_place, text="Two")
    created = ama.ama_close(session=session)
    assert [f.question_id for f in created] == [left.pk]
    assert AmaFollowUp.objects.get().owner == alice
    assert ama.ama_close(session=session) == []
    ama.question_answer(question=AmaQuestion.objects.get(pk=left.pk), answer="Later", by=alice)
    assert AmaFollowUp.objects.get().done_at is not None
