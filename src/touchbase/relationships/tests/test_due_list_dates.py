"""The due list writes its dates as the reader's locale does, the same way on one screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from touchbase.relationships.models import Contact
from touchbase.relationships.services import touchpoint_log
from touchbase.testing import days_ago

pytestmark = pytest.mark.django_db

# A Tuesday, in the afternoon everywhere from Berlin to New York.
TUESDAY = dt.datetime(2026, 3, 24, 16, 0, tzinfo=dt.UTC)


@pytest.fixture
def tried_twice(contact, alice):
    touchpoint_log(workspace=contact.workspace, contact=contact, channel="phone",
                   occurred_at=days_ago(600), logged_by=alice)  # fmt: skip
    for when in (TUESDAY - dt.timedelta(days=2), TUESDAY):
        touchpoint_log(workspace=contact.workspace, contact=contact, channel="phone",
                       occurred_at=when, outcome="no_answer", logged_by=alice)  # fmt: skip
    return Contact.objects.get(pk=contact.pk)


@pytest.mark.parametrize(
    ("language", "attempts", "due_since"),
    [
        ("de", "2 Versuche, zuletzt Di., 24. März", "%d.%m.%Y"),
        ("en-gb", "2 attempts, last Tue 24 Mar", "%d/%m/%Y"),
        ("en", "2 attempts, last Tue, Mar 24", "%m/%d/%Y"),
    ],
)
def test_the_attempts_line_and_the_due_date_follow_the_readers_locale(
    alice_client, alice, tried_twice, language, attempts, due_since
):
    alice.language = language
    alice.save()
    html = alice_client.get(reverse("relationships:due-list")).content.decode()
    assert attempts in html
    assert tried_twice.next_due_on.strftime(due_since) in html
