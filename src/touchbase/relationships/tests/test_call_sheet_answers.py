"""Call-sheet answers are stored as data and read in each reader's language."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from touchbase.relationships.choices import CheckinAnswer, TouchpointSource
from touchbase.relationships.models import NewsletterConsent, Touchpoint
from touchbase.relationships.services import CheckinAnswers, call_sheet_submit
from touchbase.testing import bearer

MIGRATION = "0010_touchpoint_structured_answers"
BEFORE = [("relationships", "0009_contact_notes_imported_contacts")]
legacy = importlib.import_module(f"touchbase.relationships.migrations.{MIGRATION}")


def call(contact, by, **answers):
    return call_sheet_submit(contact=contact, by=by, answers=CheckinAnswers(**answers))


@pytest.mark.django_db
def test_the_call_sheet_stores_the_answers_by_question_and_the_notes_as_written(contact, alice):
    with translation.override("de"):
        touchpoint = call(
            contact, alice, wellbeing=" Gut, viel los ", address_current=CheckinAnswer.NO,
            street="Neue Gasse 5", postal_code="6020", city="Innsbruck", country="AT",
            newsletter_wanted=CheckinAnswer.YES, summary="Umgezogen",
        )  # fmt: skip
    touchpoint.refresh_from_db()
    assert touchpoint.summary == "Umgezogen"
    assert touchpoint.answers == {
        "wellbeing": "Gut, viel los", "address_current": "no", "newsletter_wanted": "yes",
    }  # fmt: skip
    assert touchpoint.source_kind == TouchpointSource.CALL_SHEET
    assert NewsletterConsent.objects.get(contact=contact).source == "call_sheet"


@pytest.mark.django_db
def test_the_answers_read_in_german_for_a_german_reader_and_in_english_for_an_english_one(
    contact, alice
):
    touchpoint = call(contact, alice, wellbeing="Gut", works_from_home=CheckinAnswer.YES,
                      summary="Angebot geschickt")  # fmt: skip
    with translation.override("de"):
        assert touchpoint.text == "Angebot geschickt\nBefinden: Gut\nArbeitet von zu Hause: ja"
    with translation.override("en"):
        assert touchpoint.text == "Angebot geschickt\nHow they are: Gut\nWorks from home: yes"


@pytest.mark.django_db
def test_a_call_with_nothing_noted_reads_check_in_call_in_the_readers_language(contact, alice):
    touchpoint = call(contact, alice)
    assert (touchpoint.summary, touchpoint.answers) == ("", {})
    with translation.override("de"):
        assert touchpoint.text == "Anruf mit Gesprächsbogen"
    with translation.override("en"):
        assert touchpoint.text == "Check-in call"


@pytest.mark.django_db
def test_a_call_nobody_answered_stores_no_answers(contact, alice):
    touchpoint = call(contact, alice, summary="Mailbox", outcome="no_answer")
    assert touchpoint.answers == {}
    assert touchpoint.is_attempt


@pytest.mark.django_db
def test_the_api_gives_the_structured_answers_and_the_text_in_the_requesters_language(
    client, alice, alice_token, contact
):
    alice.language = "de"
    alice.save()
    response = client.post(
        f"/api/v1/contacts/{contact.pk}/call-sheet", headers=bearer(alice_token),
        content_type="application/json",
        data={"wellbeing": "Bestens", "address_current": "yes"},
    )  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert body["answers"] == {"wellbeing": "Bestens", "address_current": "yes"}
    assert body["text"] == "Befinden: Bestens\nAdresse noch aktuell: ja"
    alice.language = "en"
    alice.save()
    timeline = client.get(f"/api/v1/contacts/{contact.pk}/touchpoints", headers=bearer(alice_token))
    [item] = timeline.json()["items"]
    assert item["text"] == "How they are: Bestens\nAddress still current: yes"
    consents = client.get(f"/api/v1/contacts/{contact.pk}/consents", headers=bearer(alice_token))
    assert consents.json() == []  # the newsletter was not asked about


# --- the data migration of old stored texts ------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "summary", "answers"),
    [
        ("Check-in call", "", {}),
        ("Kontaktanruf", "", {}),
        (
            "Umgezogen\nHow they are: Gut, viel los\nAddress still current: no\n"
            "Newsletter wanted: yes\nWorks from home: no",
            "Umgezogen",
            {
                "wellbeing": "Gut, viel los",
                "address_current": "no",
                "newsletter_wanted": "yes",
                "works_from_home": "no",
            },
        ),  # fmt: skip
        (
            "Wie es geht: Bestens\nAdresse noch aktuell: ja\nArbeitet von zu Hause: nein",
            "",
            {"wellbeing": "Bestens", "address_current": "yes", "works_from_home": "no"},
        ),
        (
            "Zwei Zeilen\nNotiz\nNewsletter gewünscht: nein",
            "Zwei Zeilen\nNotiz",
            {"newsletter_wanted": "no"},
        ),  # fmt: skip
    ],
)
def test_old_call_sheet_texts_in_either_language_become_answers(stored, summary, answers):
    assert legacy.parse_call_summary(stored) == (summary, answers, True)


@pytest.mark.parametrize(
    "stored",
    [
        "Kunde ruft zurück",
        "How they are: fine\nbut then a note the call sheet never wrote",
        "Works from home: maybe",
        "",
    ],
)
def test_texts_the_call_sheet_did_not_write_stay_as_they_are(stored):
    assert legacy.parse_call_summary(stored) == (stored, {}, False)


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (
            "POL-0101 · 50 € · Beratung · Order A-2026000",
            ("POL-0101 · 50 € · Beratung", "A-2026000"),
        ),
        ("POL-0101 · 50 € · Auftrag 4711", ("POL-0101 · 50 €", "4711")),
        ("POL-0101 · 50 € · Beratung", ("POL-0101 · 50 € · Beratung", "")),
    ],
)
def test_an_old_voucher_record_gives_up_its_order_reference(stored, expected):
    assert legacy.split_order(stored) == expected


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_stored_english_and_german_texts_into_answers_and_markers():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    # The models as the database has them now: every app at its latest, relationships before.
    loader = MigrationExecutor(connection).loader
    old = loader.project_state(list(loader.applied_migrations)).apps
    workspace = old.get_model("core", "Workspace").objects.create(name="Alt", slug="alt")
    contact_model = old.get_model("relationships", "Contact")
    person = contact_model.objects.create(workspace=workspace, last_name="Huber")
    erased = contact_model.objects.create(
        workspace=workspace, last_name="[gelöscht]", erased_at=timezone.now()
    )
    touchpoints = old.get_model("relationships", "Touchpoint").objects
    when = timezone.now() - dt.timedelta(days=1)
    texts = {
        "en": "Umgezogen\nHow they are: Gut\nAddress still current: yes",
        "de": "Kontaktanruf",
        "note": "How they are: asked by e-mail",  # an e-mail is no call-sheet call
    }
    ids = {
        key: touchpoints.create(
            workspace=workspace, contact=person, channel="email" if key == "note" else "phone",
            direction="out", occurred_at=when, summary=text,
        ).pk
        for key, text in texts.items()
    }  # fmt: skip
    ids["voucher"] = touchpoints.create(
        workspace=workspace, contact=person, channel="record", is_personal=False,
        occurred_at=when, summary="POL-1 · 50 € · Order A-1", source_kind="voucher_redeemed",
    ).pk  # fmt: skip
    old.get_model("relationships", "NewsletterConsent").objects.create(
        workspace=workspace, contact=person, status="given", recorded_at=when,
        source="Kontaktanruf",
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    english, german, note = (Touchpoint.objects.get(pk=ids[key]) for key in ("en", "de", "note"))
    assert (english.summary, english.answers, english.source_kind) == (
        "Umgezogen", {"wellbeing": "Gut", "address_current": "yes"}, "call_sheet")  # fmt: skip
    assert (german.summary, german.answers, german.source_kind) == ("", {}, "call_sheet")
    assert (note.summary, note.answers, note.source_kind) == (texts["note"], {}, "")
    voucher = Touchpoint.objects.get(pk=ids["voucher"])
    assert (voucher.summary, voucher.answers) == ("POL-1 · 50 €", {"order": "A-1"})
    assert NewsletterConsent.objects.get(contact_id=person.pk).source == "call_sheet"
    erased.refresh_from_db()
    assert erased.last_name == ""
    with translation.override("de"):
        assert german.text == "Anruf mit Gesprächsbogen"
