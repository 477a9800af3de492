"""An anonymous question names nobody: not in the admin, an export, a mail or a log line."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.urls import reverse

from touchbase.inside import ama, people
from touchbase.inside.models import AmaQuestion

pytestmark = pytest.mark.django_db

SECRET = "Why are the bonuses late?"


def _traces(user) -> list[str]:
    """What would give the asker away: their names, username, address and ids."""
    return [user.username, user.email, user.first_name, user.last_name, user.get_full_name()]


@pytest.fixture
def anonymous_question(session, bob_place):
    return ama.question_ask(session=session, participant=bob_place, text=SECRET, anonymous=True)


def test_the_admin_shows_no_author_of_an_anonymous_question(admin_client, anonymous_question, bob):
    pages = [
        reverse("admin:inside_amaquestion_changelist"),
        reverse("admin:inside_amaquestion_change", args=[anonymous_question.pk]),
        reverse("admin:inside_amasession_change", args=[anonymous_question.session_id]),
    ]
    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200
        # a random CSRF token could spell "Bob" by chance: it is no trace of him
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
        assert SECRET in html or "amaquestion_changelist" not in page
        for trace in _traces(bob):
            assert trace not in html, (page, trace)
        assert anonymous_question.pseudonym not in html


def test_no_log_line_names_the_asker(caplog, session, bob_place, bob):
    caplog.set_level(logging.DEBUG)
    question = ama.question_ask(session=session, participant=bob_place, text=SECRET, anonymous=True)
    ama.vote_toggle(question=question, participant=bob_place)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for trace in [*_traces(bob), question.pseudonym, f"participant_id={bob_place.pk}"]:
        assert trace not in logged


def test_a_guests_export_lists_only_their_named_questions(session, contact):
    place, _key = ama.guest_join(session=session, name="", email="", language="de", contact=contact)
    ama.question_ask(session=session, participant=place, text="Named one")
    ama.question_ask(session=session, participant=place, text=SECRET, anonymous=True)
    exported = json.dumps(people.contact_export(contact))
    assert "Named one" in exported
    assert SECRET not in exported


def test_erasing_a_guest_keeps_their_anonymous_questions_anonymous(session, contact):
    place, _key = ama.guest_join(session=session, name="", email="", language="de", contact=contact)
    anonymous = ama.question_ask(session=session, participant=place, text=SECRET, anonymous=True)
    people.contact_erase(contact)
    place.refresh_from_db()
    assert (place.name, place.email, place.contact_id) == ("", "", None)
    assert AmaQuestion.objects.get(pk=anonymous.pk).author_id is None
