"""The digest e-mail: scheduled by the app, sent by the worker over real SMTP, once per member."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from touchbase.core.choices import DigestFrequency
from touchbase.core.models import Membership
from touchbase.core.timeutil import next_digest_at
from touchbase.relationships.digest import digest_send, digests_enqueue_due
from touchbase.relationships.models import Contact
from touchbase.relationships.services import contact_save


def make_due(membership: Membership, count: int) -> None:
    for number in range(count):
        contact_save(workspace=membership.workspace,
                     fields={"last_name": f"Kunde {number}", "owner": membership.user})  # fmt: skip
    Membership.objects.filter(pk=membership.pk).update(
        digest_next_at=timezone.now() - dt.timedelta(minutes=1)
    )


@pytest.mark.django_db(transaction=True)
def test_worker_sends_one_digest_per_member_with_the_due_list(smtp, alice_membership, bob):
    # given: alice has three customers due, bob none
    make_due(alice_membership, 3)
    Membership.objects.filter(user=bob).update(digest_next_at=timezone.now())
    # when: the worker's scheduler ticks and drains the queue, twice
    call_command("run_worker", batch=True, verbosity=0)
    call_command("run_worker", batch=True, verbosity=0)
    # then
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "alice@pollux.example"
    assert message["Subject"] == "3 customers to contact — your touchbase digest"
    text = message.get_body(("plain",)).get_content()
    assert "Kunde 0" in text
    assert "Kunde 2" in text
    # one digest task per member; other apps' periodic jobs may queue their own
    assert DBTaskResult.objects.filter(task_path__endswith="digest_send_task").count() == 2
    alice_membership.refresh_from_db()
    assert alice_membership.digest_next_at > timezone.now()
    assert alice_membership.digest_last_sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_digest_is_written_in_the_members_language(smtp, alice_membership):
    user = alice_membership.user
    user.language = "de"
    user.save()
    make_due(alice_membership, 1)
    call_command("run_worker", batch=True, verbosity=0)
    assert smtp.messages[0]["Subject"] == "1 Kunde zu kontaktieren — Ihr touchbase-Überblick"


@pytest.mark.django_db(transaction=True)
def test_members_who_chose_no_digest_get_none(smtp, alice_membership):
    make_due(alice_membership, 2)
    Membership.objects.filter(pk=alice_membership.pk).update(digest_frequency=DigestFrequency.OFF)
    call_command("run_worker", batch=True, verbosity=0)
    assert smtp.messages == []


@pytest.mark.django_db(transaction=True)
def test_two_scheduler_ticks_claim_a_digest_only_once(alice_membership):
    make_due(alice_membership, 1)
    assert digests_enqueue_due() == 1
    assert digests_enqueue_due() == 0
    assert DBTaskResult.objects.count() == 1


def test_weekly_digest_is_next_monday_at_seven_local_time():
    zone = dt.UTC
    thursday_noon = dt.datetime(2026, 11, 19, 12, 0, tzinfo=zone)
    assert next_digest_at(frequency="weekly", zone=zone, after=thursday_noon) == dt.datetime(
        2026, 11, 23, 7, 0, tzinfo=zone
    )
    assert next_digest_at(frequency="daily", zone=zone, after=thursday_noon) == dt.datetime(
        2026, 11, 20, 7, 0, tzinfo=zone
    )
    assert next_digest_at(frequency="off", zone=zone, after=thursday_noon) is None


def test_other_apps_add_sections_to_the_digest(smtp, alice_membership, tmp_path, settings):
    from touchbase.core import registry

    # given a section some app registered, with its own templates
    (tmp_path / "sec.txt").write_text("Open ideas: {{ section.ideas }}")
    (tmp_path / "sec.html").write_text("<p>Open ideas: {{ section.ideas }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"],
                                                             tmp_path]}]  # fmt: skip
    section = registry.DigestSection(
        name="test-ideas", html_template="sec.html", text_template="sec.txt",
        context=lambda membership: {"ideas": 3},
    )  # fmt: skip
    registry.digest_sections.register(section)
    try:
        # when a member with nothing due gets the digest
        from touchbase.relationships.digest import digest_send

        sent = digest_send(membership=alice_membership)
    finally:
        registry.digest_sections.unregister("test-ideas")
    # then it carries the section alone
    assert sent is True
    [message] = smtp.messages
    assert message["Subject"] == "Your touchbase digest"
    assert "Open ideas: 3" in message.get_body(preferencelist=("plain",)).get_content()


def test_no_digest_when_nothing_is_due_and_no_section_speaks(smtp, alice_membership):
    from touchbase.relationships.digest import digest_send

    assert digest_send(membership=alice_membership) is False
    assert smtp.messages == []


@pytest.mark.parametrize(
    ("language", "shown"), [("en-gb", "23/03/2025"), ("en", "03/23/2025"), ("de", "23.03.2025")]
)
def test_digest_dates_follow_the_members_locale(smtp, alice_membership, contact, language, shown):
    # given alice, due to call a contact since 23 March 2025
    user = alice_membership.user
    user.language = language
    user.save()
    Contact.objects.filter(pk=contact.pk).update(next_due_on=dt.date(2025, 3, 23))
    # when
    assert digest_send(membership=alice_membership) is True
    # then both parts of the mail write the date the member's way
    message = smtp.messages[0]
    assert shown in message.get_body(("plain",)).get_content()
    assert f"{shown}</td>" in message.get_body(("html",)).get_content()
