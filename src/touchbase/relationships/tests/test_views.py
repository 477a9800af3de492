"""Web views: pages render the right data, forms show field errors, nobody sees another's data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from touchbase.core.timeutil import local_today
from touchbase.relationships.choices import Channel, CheckinAnswer, ConsentStatus
from touchbase.relationships.models import Account, CadencePolicy, Contact, Touchpoint
from touchbase.relationships.services import touchpoint_log
from touchbase.testing import days_ago

pytestmark = pytest.mark.django_db


def object_urls(account, contact, policy) -> list[tuple[str, str]]:
    """Every URL that names one of the workspace's objects, with its method."""
    return [
        ("get", reverse("relationships:account-detail", args=[account.pk])),
        ("get", reverse("relationships:account-edit", args=[account.pk])),
        ("post", reverse("relationships:account-touchpoint", args=[account.pk])),
        ("get", reverse("relationships:contact-detail", args=[contact.pk])),
        ("get", reverse("relationships:contact-edit", args=[contact.pk])),
        ("post", reverse("relationships:contact-touchpoint", args=[contact.pk])),
        ("get", reverse("relationships:call-sheet", args=[contact.pk])),
        ("post", reverse("relationships:call-sheet", args=[contact.pk])),
        ("get", reverse("relationships:due-snooze", args=["account", account.pk])),
        ("post", reverse("relationships:due-snooze", args=["contact", contact.pk])),
        ("get", reverse("relationships:policy-edit", args=[policy.pk])),
        ("post", reverse("relationships:policy-delete", args=[policy.pk])),
    ]


LIST_URLS = [
    "relationships:due-list", "relationships:account-list", "relationships:contact-list",
    "relationships:policy-list", "relationships:team", "relationships:account-create",
    "relationships:contact-create", "relationships:policy-create", "core:settings", "core:members",
]  # fmt: skip


@pytest.fixture
def policy(workspace):
    return CadencePolicy.objects.create(
        workspace=workspace, name="Alle", scope="all", interval_days=200
    )


def test_a_member_of_another_workspace_gets_404_for_every_object(
    carol_client, account, contact, policy
):
    for method, url in object_urls(account, contact, policy):
        response = getattr(carol_client, method)(url)
        assert response.status_code == 404, url
    assert CadencePolicy.objects.filter(pk=policy.pk).exists()
    assert Touchpoint.objects.count() == 0


def test_another_workspace_sees_none_of_our_customers_in_lists(carol_client, account, contact):
    for name in ("relationships:due-list", "relationships:account-list",
                 "relationships:contact-list", "relationships:team"):  # fmt: skip
        response = carol_client.get(reverse(name) + "?scope=team")
        assert response.status_code == 200
        assert "Sonnenschein" not in response.content.decode()
        assert "Müller" not in response.content.decode()


def test_anonymous_users_are_sent_to_login(client, account, contact, policy):
    urls = [("get", reverse(name)) for name in LIST_URLS]
    for method, url in urls + object_urls(account, contact, policy):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_due_list_shows_my_overdue_contact_with_days_overdue(alice_client, workspace, contact):
    touchpoint_log(workspace=workspace, contact=contact, channel=Channel.PHONE,
                   occurred_at=days_ago(400), logged_by=contact.owner)  # fmt: skip
    response = alice_client.get(reverse("relationships:due-list"))
    html = response.content.decode()
    assert "Jürgen Müller" in html
    assert "35 days overdue" in html


def test_due_list_speaks_german_for_a_german_user(alice_client, alice, workspace, contact):
    alice.language = "de"
    alice.save()
    response = alice_client.get(reverse("relationships:due-list"))
    html = response.content.decode()
    assert "Meine Fälligkeitsliste" in html
    assert "Gesprächsbogen" in html


def test_htmx_request_gets_only_the_table_fragment(alice_client, contact):
    response = alice_client.get(reverse("relationships:due-list"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="due-table"')
    assert "<html" not in html


def test_logging_a_touchpoint_moves_the_due_date_on_the_page(alice_client, workspace, contact):
    occurred = timezone.localtime().replace(microsecond=0) - dt.timedelta(hours=1)
    response = alice_client.post(
        reverse("relationships:contact-touchpoint", args=[contact.pk]),
        {"channel": Channel.PHONE, "direction": "out", "is_personal": "on",
         "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"), "summary": "Nachgefragt"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 200
    contact.refresh_from_db()
    expected = local_today(workspace.zone) + dt.timedelta(days=365)
    assert contact.next_due_on in (expected, expected - dt.timedelta(days=1))
    assert "Nachgefragt" in response.content.decode()
    assert Touchpoint.objects.get().participants.get().username == "alice"


def test_a_touchpoint_with_a_bad_date_shows_a_field_error_and_saves_nothing(alice_client, contact):
    response = alice_client.post(
        reverse("relationships:contact-touchpoint", args=[contact.pk]),
        {"channel": Channel.PHONE, "direction": "out", "occurred_at": "31.02.2026 xx"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "Enter a valid date/time." in response.content.decode()
    assert Touchpoint.objects.count() == 0


def test_contact_form_refuses_bad_phone_and_email_and_keeps_nothing(alice_client, workspace):
    response = alice_client.post(
        reverse("relationships:contact-create"),
        {"last_name": "Neu", "phone": "0000", "email": "not-an-email", "country": "DE"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "is not a valid phone number" in html or "is not a phone number" in html
    assert "Enter a valid email address." in html
    assert Contact.objects.count() == 0


def test_contact_form_stores_the_phone_in_e164(alice_client, workspace, account):
    response = alice_client.post(
        reverse("relationships:contact-create"),
        {"first_name": "Eva", "last_name": "Huber", "phone": "0512 123456", "country": "AT",
         "account": account.pk, "tag_names": "Stammkunde, VIP"},
    )  # fmt: skip
    contact = Contact.objects.get(last_name="Huber")
    assert response.status_code == 302
    assert contact.phone == "+43512123456"
    assert sorted(t.name for t in contact.tags.all()) == ["Stammkunde", "VIP"]
    assert contact.owner == account.owner


def test_account_form_refuses_an_owner_from_another_workspace(alice_client, carol):
    response = alice_client.post(
        reverse("relationships:account-create"), {"name": "X", "owner": carol.pk, "country": "DE"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Account.objects.count() == 0


def test_call_sheet_logs_the_call_updates_master_data_and_stamps_fields(
    alice_client, workspace, contact
):
    response = alice_client.post(
        reverse("relationships:call-sheet", args=[contact.pk]),
        {"wellbeing": "Gut, viel los", "address_current": CheckinAnswer.NO,
         "street": "Neue Gasse 5", "postal_code": "6020", "city": "Innsbruck", "country": "AT",
         "region": "Tirol", "newsletter_wanted": CheckinAnswer.YES,
         "works_from_home": CheckinAnswer.YES, "details_confirmed": "on",
         "phone": "0512 987654", "email": "j.mueller@neu.example", "summary": "Umgezogen"},
    )  # fmt: skip
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.street, contact.city, contact.country, contact.region) == (
        "Neue Gasse 5", "Innsbruck", "AT", "Tirol",
    )  # fmt: skip
    assert contact.phone == "+43512987654"
    assert contact.works_from_home is True
    stamps = {contact.address_verified_at, contact.phone_verified_at, contact.email_verified_at,
              contact.newsletter_verified_at, contact.works_from_home_verified_at}  # fmt: skip
    assert len(stamps) == 1
    assert None not in stamps
    assert contact.consents.get().status == ConsentStatus.GIVEN
    call = Touchpoint.objects.get(contact=contact)
    assert call.channel == Channel.PHONE
    assert call.is_personal
    assert call.summary == "Umgezogen"
    assert call.answers["wellbeing"] == "Gut, viel los"
    assert contact.last_personal_at == call.occurred_at


def test_call_sheet_with_a_bad_phone_changes_nothing(alice_client, contact):
    response = alice_client.post(
        reverse("relationships:call-sheet", args=[contact.pk]),
        {"address_current": CheckinAnswer.YES, "details_confirmed": "on", "phone": "123",
         "email": "ok@example.com"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "phone" in response.content.decode()
    contact.refresh_from_db()
    assert contact.address_verified_at is None
    assert contact.phone == "+49891234567"
    assert Touchpoint.objects.count() == 0


def test_snooze_from_the_due_list_with_htmx(alice_client, workspace, contact):
    until = local_today(workspace.zone) + dt.timedelta(days=7)
    response = alice_client.post(
        reverse("relationships:due-snooze", args=["contact", contact.pk]),
        {"until": until.isoformat(), "reason": "Elternzeit"},
        headers={"HX-Request": "true"},
    )
    assert response["HX-Trigger"] == "due-changed"
    contact.refresh_from_db()
    assert (contact.snoozed_until, contact.snooze_reason) == (until, "Elternzeit")


def test_policy_form_saves_and_updates_due_dates(alice_client, workspace, contact):
    response = alice_client.post(
        reverse("relationships:policy-create"),
        {"name": "Quartal", "scope": "all", "interval_days": "90"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.cadence_days == 90


def test_team_view_shows_coverage_per_owner(alice_client, workspace, contact):
    response = alice_client.get(reverse("relationships:team"))
    html = response.content.decode()
    assert "Alice Adler" in html
    assert "0 %" in html


def test_healthz_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_due_list_tabs_combine_whose_and_what_and_say_so(alice_client):
    html = alice_client.get("/?scope=team&kind=contact").content.decode()
    assert "<h1>Team due list: contacts</h1>" in html
    assert 'href="?scope=mine&kind=contact"' in html
    assert 'href="?scope=team&kind=account"' in html
    assert 'class="active" aria-current="page">Whole team' in html


def test_the_due_list_in_german_names_what_it_shows(alice_client, alice):
    alice.language = "de"
    alice.save()
    html = alice_client.get("/?scope=mine&kind=account").content.decode()
    assert "<h1>Meine Fälligkeitsliste: Firmen</h1>" in html


@pytest.mark.parametrize(
    ("language", "heading", "shown"),
    [
        ("en-gb", "My due list", "23/03/2025"),
        ("en", "My due list", "03/23/2025"),
        ("de", "Meine Fälligkeitsliste", "23.03.2025"),
    ],
)
def test_due_list_dates_follow_the_users_locale(
    alice_client, alice, contact, language, heading, shown
):
    # given a contact due since 23 March 2025
    alice.language = language
    alice.save()
    Contact.objects.filter(pk=contact.pk).update(next_due_on=dt.date(2025, 3, 23))
    # when
    html = alice_client.get(reverse("relationships:due-list")).content.decode()
    # then: English (UK) keeps the English texts and writes the day first
    assert heading in html
    assert f"<td>{shown}" in html
