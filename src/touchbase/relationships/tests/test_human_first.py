"""Human first: when only e-mails or mass mailings reached a person lately, suggest a call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from touchbase.core.locales import day_month
from touchbase.core.models import Workspace
from touchbase.relationships.choices import Channel, HumanFirstKind, Outcome
from touchbase.relationships.models import Contact
from touchbase.relationships.selectors import (
    HumanFirstHint,
    human_first_hint,
    human_first_hints,
)
from touchbase.relationships.services import contact_save, touchpoint_log
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db

# Long enough ago that the person is due again (the default cadence is a year), in a year
# that is not this one, so dates read with their year. Noon UTC is the same day in Berlin.
FIRST = dt.datetime(2024, 3, 3, 12, 0, tzinfo=dt.UTC)


def day(number: int) -> dt.datetime:
    """The first touchpoint's moment, number days later."""
    return FIRST + dt.timedelta(days=number)


def log(contact: Contact, *channels: str, start: int = 0, **options: object) -> None:
    """One touchpoint per channel, a day apart, the last one newest."""
    for offset, channel in enumerate(channels):
        if channel in (Channel.RECORD, Channel.IMPORTED):
            options = {**options, "source_kind": "test.source", "source_id": 1}
        touchpoint_log(workspace=contact.workspace, contact=contact, channel=channel,
                       occurred_at=day(start + offset), logged_by=None, **options)  # fmt: skip


def hint_of(contact: Contact) -> HumanFirstHint | None:
    workspace = Workspace.objects.get(pk=contact.workspace_id)
    return human_first_hint(workspace=workspace, contact=contact)


def person(workspace: Workspace, owner: object, name: str) -> Contact:
    return contact_save(workspace=workspace, fields={"first_name": "Anna", "last_name": name,
                                                    "owner": owner})  # fmt: skip


# --- the selector -------------------------------------------------------------------------------


def test_three_emails_in_a_row_suggest_a_call(contact):
    log(contact, Channel.PHONE, Channel.EMAIL, Channel.EMAIL, Channel.EMAIL)
    assert hint_of(contact) == HumanFirstHint(
        kind=HumanFirstKind.EMAILS, count=3, since=dt.date(2024, 3, 4)
    )


def test_only_mass_mailings_suggest_a_call_too(contact):
    log(contact, Channel.NEWSLETTER, Channel.MAILING, Channel.WEBINAR, Channel.NEWSLETTER)
    assert hint_of(contact) == HumanFirstHint(
        kind=HumanFirstKind.MASS, count=4, since=dt.date(2024, 3, 3)
    )


def test_emails_and_mass_mailings_together_are_a_mixed_streak(contact):
    log(contact, Channel.MEETING, Channel.NEWSLETTER, Channel.EMAIL, Channel.MAILING)
    assert hint_of(contact) == HumanFirstHint(
        kind=HumanFirstKind.MIXED, count=3, since=dt.date(2024, 3, 4)
    )


@pytest.mark.parametrize(
    "personal", [Channel.PHONE, Channel.MEETING, Channel.VIDEO, Channel.VISIT, Channel.COFFEE,
                 Channel.COMMUNITY_HELP],
)  # fmt: skip
def test_a_personal_contact_among_the_last_ones_clears_the_hint(contact, personal):
    log(contact, Channel.EMAIL, Channel.EMAIL, Channel.EMAIL, personal, Channel.EMAIL)
    assert hint_of(contact) is None


def test_a_call_nobody_answered_clears_the_hint_too(contact):
    # Someone tried to call: suggesting a call would tell them nothing new.
    log(contact, Channel.EMAIL, Channel.EMAIL, Channel.EMAIL)
    log(contact, Channel.PHONE, start=3, outcome=Outcome.NO_ANSWER)
    assert hint_of(contact) is None


def test_fewer_touchpoints_than_the_setting_give_no_hint(contact):
    log(contact, Channel.EMAIL, Channel.EMAIL)
    assert hint_of(contact) is None


def test_a_person_never_contacted_gets_no_hint(contact):
    assert hint_of(contact) is None


def test_app_records_and_imports_neither_count_nor_end_a_streak(contact):
    log(contact, Channel.IMPORTED, Channel.EMAIL, Channel.RECORD, Channel.EMAIL, Channel.RECORD)
    assert hint_of(contact) is None
    log(contact, Channel.EMAIL, start=5)
    assert hint_of(contact) == HumanFirstHint(
        kind=HumanFirstKind.EMAILS, count=3, since=dt.date(2024, 3, 4)
    )


def test_the_streak_is_counted_back_to_its_start_past_the_setting(contact):
    log(contact, Channel.VIDEO, *[Channel.EMAIL] * 6)
    hint = hint_of(contact)
    assert (hint.count, hint.since) == (6, dt.date(2024, 3, 4))


def test_the_workspace_setting_decides_how_many_in_a_row_it_takes(workspace, contact):
    log(contact, Channel.EMAIL, Channel.EMAIL, Channel.EMAIL, Channel.EMAIL)
    Workspace.objects.filter(pk=workspace.pk).update(human_first_after=5)
    assert hint_of(contact) is None
    Workspace.objects.filter(pk=workspace.pk).update(human_first_after=2)
    assert hint_of(contact).count == 4


def test_an_owner_sets_after_how_many_in_the_workspace_settings(alice_client, workspace):
    form = {"name": "Pollux GmbH", "time_zone": "Europe/Berlin", "home_country": "DE",
            "default_cadence_days": "365"}  # fmt: skip
    response = alice_client.post(reverse("core:workspace-settings"),
                                 {**form, "human_first_after": "1"})  # fmt: skip
    assert response.status_code == 400
    assert Workspace.objects.get(pk=workspace.pk).human_first_after == 3
    alice_client.post(reverse("core:workspace-settings"), {**form, "human_first_after": "4"})
    assert Workspace.objects.get(pk=workspace.pk).human_first_after == 4
    # A form without the field (an older page) keeps the number.
    alice_client.post(reverse("core:workspace-settings"), form)
    assert Workspace.objects.get(pk=workspace.pk).human_first_after == 4


def test_an_erased_person_gets_no_hint(contact):
    log(contact, Channel.EMAIL, Channel.EMAIL, Channel.EMAIL)
    Contact.objects.filter(pk=contact.pk).update(erased_at=day(10))
    assert hint_of(Contact.objects.get(pk=contact.pk)) is None


def test_hints_for_many_people_take_one_query_and_only_their_workspaces(
    workspace, other_workspace, alice, carol_contact
):
    people = [person(workspace, alice, f"Becker {number}") for number in range(30)]
    for number, contact in enumerate(people):
        log(contact, *([Channel.EMAIL] * 3 if number % 2 else [Channel.EMAIL, Channel.PHONE]))
    log(carol_contact, Channel.EMAIL, Channel.EMAIL, Channel.EMAIL)
    asked = [contact.pk for contact in people] + [carol_contact.pk]
    with CaptureQueriesContext(connection) as queries:
        hints = human_first_hints(workspace=workspace, contact_ids=asked)
    assert len(queries) == 1
    assert set(hints) == {contact.pk for number, contact in enumerate(people) if number % 2}


# --- the text -----------------------------------------------------------------------------------


def test_the_text_names_the_person_how_many_and_since_when():
    hint = HumanFirstHint(kind=HumanFirstKind.EMAILS, count=4, since=dt.date(2024, 3, 3))
    assert hint.text("Anna Becker") == (
        "The last 4 contacts with Anna Becker were all e-mails (since March 3, 2024). "
        "Call instead, or invite them to a coffee."
    )
    mass = HumanFirstHint(kind=HumanFirstKind.MASS, count=3, since=dt.date(2024, 3, 3))
    assert mass.text("Anna Becker").startswith(
        "The last 3 contacts with Anna Becker were all mass mailings (since March 3, 2024)."
    )


def test_the_date_leaves_out_the_year_when_it_is_this_one():
    assert day_month(dt.date(2026, 3, 3), today=dt.date(2026, 12, 6)) == "March 3"
    assert day_month(dt.date(2025, 3, 3), today=dt.date(2026, 12, 6)) == "March 3, 2025"


# --- the contact's page -------------------------------------------------------------------------


def test_the_contact_page_suggests_a_call_with_one_click_to_the_call_sheet(alice_client, contact):
    log(contact, Channel.EMAIL, Channel.EMAIL, Channel.EMAIL)
    html = alice_client.get(reverse("relationships:contact-detail", args=[contact.pk])).content
    html = html.decode()
    assert '<section class="card hint" id="human-first">' in html
    assert ("The last 3 contacts with Jürgen Müller were all e-mails (since March 3, 2024). "
            "Call instead, or invite them to a coffee.") in html  # fmt: skip
    call_sheet = reverse("relationships:call-sheet", args=[contact.pk])
    assert f'<a class="button" href="{call_sheet}">Call now</a>' in html
    # The hint's second way to reach the person: a coffee invitation, whose page answers.
    invite = reverse("inside:coffee_invite", args=[contact.pk])
    assert f'<a href="{invite}">Invite to a coffee</a>' in html
    page = alice_client.get(invite)
    assert page.status_code == 200
    assert "Invite Jürgen Müller to a coffee" in page.content.decode()


def test_the_contact_page_has_no_hint_after_a_call(alice_client, contact):
    log(contact, Channel.EMAIL, Channel.EMAIL, Channel.EMAIL, Channel.PHONE)
    html = alice_client.get(reverse("relationships:contact-detail", args=[contact.pk])).content
    assert b'id="human-first"' not in html


def test_the_hint_is_written_in_the_readers_language(alice_client, alice, contact):
    log(contact, Channel.EMAIL, Channel.EMAIL, Channel.EMAIL)
    alice.language = "de"
    alice.save()
    html = alice_client.get(reverse("relationships:contact-detail", args=[contact.pk])).content
    assert "3. März 2024" in html.decode()
    assert "March 3" not in html.decode()


# --- the due list -------------------------------------------------------------------------------


def due_rows(workspace: Workspace, alice: object, count: int, start: int = 0) -> list[Contact]:
    """People due now: every second one reached only by mass mailings, the others by a call."""
    people = []
    for number in range(start, start + count):
        contact = person(workspace, alice, f"Becker {number:02}")
        log(contact, *([Channel.NEWSLETTER] * 3 if number % 2 else [Channel.PHONE]))
        people.append(contact)
    return people


def test_the_due_list_marks_the_people_only_mass_mailings_reached(
    alice_client, workspace, alice, account
):
    people = due_rows(workspace, alice, 4)
    html = alice_client.get(reverse("relationships:due-list")).content.decode()
    for number, contact in enumerate(people):
        row = html.split(f'<tr id="due-contact-{contact.pk}">')[1].split("</tr>")[0]
        call_sheet = reverse("relationships:call-sheet", args=[contact.pk])
        if number % 2:
            text = (f"The last 3 contacts with Anna Becker {number:02} were all mass mailings "
                    "(since March 3, 2024). Call instead, or invite them to a coffee.")  # fmt: skip
            assert f'<span class="badge warn" title="{text}">Only mass mailings</span>' in row
            assert f'<a href="{call_sheet}">Call instead</a>' in row
        else:
            assert "human-first" not in row
    account_row = html.split(f'<tr id="due-account-{account.pk}">')[1].split("</tr>")[0]
    assert "human-first" not in account_row


def test_the_due_list_takes_as_many_queries_for_thirty_people_as_for_five(
    alice_client, workspace, alice
):
    due_rows(workspace, alice, 5)
    with CaptureQueriesContext(connection) as few:
        html = alice_client.get(reverse("relationships:due-list")).content.decode()
    assert html.count('class="small human-first"') == 2
    due_rows(workspace, alice, 25, start=5)
    with CaptureQueriesContext(connection) as many:
        html = alice_client.get(reverse("relationships:due-list")).content.decode()
    assert html.count('class="small human-first"') == 15
    assert len(many) == len(few)


def test_the_due_list_fragment_shows_the_hint_too(alice_client, workspace, alice):
    due_rows(workspace, alice, 2)
    html = alice_client.get(reverse("relationships:due-list"), headers={"HX-Request": "true"})
    assert html.content.decode().count('class="small human-first"') == 1


# --- the API ------------------------------------------------------------------------------------


def test_the_api_tells_a_contacts_hint_in_the_requesters_language(
    client, alice, alice_token, contact
):
    url = f"/api/v1/contacts/{contact.pk}"
    assert client.get(url, headers=bearer(alice_token)).json()["human_first"] is None
    log(contact, Channel.EMAIL, Channel.NEWSLETTER, Channel.EMAIL)
    assert client.get(url, headers=bearer(alice_token)).json()["human_first"] == {
        "kind": "mixed", "count": 3, "since": "2024-03-03",
        "text": "The last 3 contacts with Jürgen Müller were all e-mails or mass mailings "
                "(since March 3, 2024). Call instead, or invite them to a coffee.",
    }  # fmt: skip
    alice.language = "de"
    alice.save()
    german = client.get(url, headers=bearer(alice_token)).json()["human_first"]["text"]
    assert "3. März 2024" in german


def test_the_api_due_list_carries_the_hints(client, workspace, alice, alice_token, account):
    people = due_rows(workspace, alice, 2)
    items = client.get("/api/v1/due?scope=team", headers=bearer(alice_token)).json()["items"]
    hints = {(item["kind"], item["id"]): item["human_first"] for item in items}
    assert hints[("contact", people[0].pk)] is None
    assert hints[("contact", people[1].pk)]["kind"] == "mass"
    assert hints[("contact", people[1].pk)]["count"] == 3
    assert hints[("account", account.pk)] is None


def test_the_api_description_names_the_hint(client, db):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(schemas["HumanFirstOut"]["properties"]) == {"kind", "count", "since", "text"}
    assert "human_first" in schemas["ContactDetailOut"]["required"]
    assert "human_first" in schemas["DueItemOut"]["properties"]


def test_another_workspaces_member_gets_404_for_the_contact(client, carol_token, contact):
    log(contact, Channel.EMAIL, Channel.EMAIL, Channel.EMAIL)
    response = client.get(f"/api/v1/contacts/{contact.pk}", headers=bearer(carol_token))
    assert response.status_code == 404
