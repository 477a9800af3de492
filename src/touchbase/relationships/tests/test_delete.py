"""Deleting accounts, contacts and touchpoints: confirmed first, recorded, due dates re-derived."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from touchbase.core.timeutil import local_today
from touchbase.relationships import selectors
from touchbase.relationships.models import (
    Account,
    Contact,
    DeletionRecord,
    NewsletterConsent,
    Touchpoint,
)
from touchbase.relationships.services import (
    account_delete,
    contact_delete,
    contact_save,
    touchpoint_delete,
    touchpoint_log,
)
from touchbase.testing import bearer, days_ago

pytestmark = pytest.mark.django_db


def log(row, by, *, days, outcome="positive", **target):
    target = target or ({"contact": row} if isinstance(row, Contact) else {"account": row})
    return touchpoint_log(
        workspace=row.workspace, channel="phone", occurred_at=days_ago(days), logged_by=by,
        outcome=outcome, **target,
    )  # fmt: skip


def fresh(row):
    return type(row).objects.get(pk=row.pk)


def due_on(days_since_contact: int, workspace) -> dt.date:
    """The next-due date of a customer last reached that many days ago, on a yearly cadence."""
    contacted = days_ago(days_since_contact).astimezone(workspace.zone).date()
    return contacted + dt.timedelta(days=workspace.default_cadence_days)


# --- touchpoints ----------------------------------------------------------------------------


def test_deleting_the_latest_contact_makes_the_customer_due_again_per_cadence(contact, alice):
    # given a customer reached 400 days ago and again 10 days ago
    old = log(contact, alice, days=400)
    recent = log(contact, alice, days=10)
    assert fresh(contact).next_due_on == due_on(10, contact.workspace)
    # when the recent touchpoint is deleted
    touchpoint_delete(touchpoint=recent, by=alice)
    # then contact and account are due as if it never happened: 35 days overdue
    for row in (fresh(contact), fresh(contact.account)):
        assert row.last_personal_at == old.occurred_at
        assert row.next_due_on == due_on(400, contact.workspace)
        assert row.next_due_on < local_today(contact.workspace.zone)
    due = {(item.kind, item.id) for item in selectors.due_list(workspace=contact.workspace)}
    assert ("contact", contact.pk) in due
    assert not Touchpoint.objects.filter(pk=recent.pk).exists()


def test_deleting_a_contact_moment_counts_the_attempts_after_the_one_before_again(contact, alice):
    log(contact, alice, days=400)
    first_try = log(contact, alice, days=30, outcome="no_answer")
    second_try = log(contact, alice, days=20, outcome="no_answer")
    reached = log(contact, alice, days=5)
    assert fresh(contact).attempts == 0
    touchpoint_delete(touchpoint=reached, by=alice)
    row = fresh(contact)
    assert (row.attempts, row.last_attempt_at) == (2, second_try.occurred_at)
    touchpoint_delete(touchpoint=second_try, by=alice)
    row = fresh(contact)
    assert (row.attempts, row.last_attempt_at) == (1, first_try.occurred_at)
    assert row.next_due_on == due_on(400, contact.workspace)


def test_deleting_the_only_touchpoint_makes_the_customer_due_since_creation(contact, alice):
    only = log(contact, alice, days=3)
    touchpoint_delete(touchpoint=only, by=alice)
    row = fresh(contact)
    assert row.last_personal_at is None
    assert row.next_due_on == row.created_at.astimezone(contact.workspace.zone).date()


def test_a_running_snooze_stays_when_an_old_touchpoint_is_deleted(contact, alice):
    log(contact, alice, days=400)
    old_try = log(contact, alice, days=50, outcome="no_answer")
    until = local_today(contact.workspace.zone) + dt.timedelta(days=7)
    contact.snoozed_until, contact.snooze_reason = until, "Urlaub"
    contact.save()
    touchpoint_delete(touchpoint=old_try, by=alice)
    row = fresh(contact)
    assert (row.snoozed_until, row.next_due_on, row.attempts) == (until, until, 0)


def test_staff_delete_the_touchpoints_they_logged_and_no_others(contact, alice, bob):
    mine = log(contact, bob, days=2)
    hers = log(contact, alice, days=3)
    with pytest.raises(PermissionDenied):
        touchpoint_delete(touchpoint=hers, by=bob)
    assert Touchpoint.objects.filter(pk=hers.pk).exists()
    touchpoint_delete(touchpoint=mine, by=bob)
    assert not Touchpoint.objects.filter(pk=mine.pk).exists()
    record = DeletionRecord.objects.get()
    assert (record.kind, record.object_id, record.deleted_by) == ("touchpoint", mine.pk, bob)


# --- contacts -------------------------------------------------------------------------------


def test_deleting_a_contact_keeps_what_they_said_on_the_accounts_timeline(contact, alice):
    # given a person reached at their account 10 days ago, with a newsletter consent
    said = log(contact, alice, days=10)
    NewsletterConsent.objects.create(
        workspace=contact.workspace, contact=contact, status="given", recorded_at=days_ago(1),
        source="t",
    )  # fmt: skip
    account_before = fresh(contact.account)
    # when the person is deleted
    record = contact_delete(contact=contact, by=alice)
    # then the account keeps the touchpoint, without the person, and its clock
    touchpoint = Touchpoint.objects.get(pk=said.pk)
    assert (touchpoint.contact_id, touchpoint.account_id) == (None, contact.account_id)
    account = fresh(contact.account)
    assert (account.last_personal_at, account.next_due_on) == (
        account_before.last_personal_at, account_before.next_due_on)  # fmt: skip
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not NewsletterConsent.objects.filter(contact_id=contact.pk).exists()
    # and the record names no person
    assert (record.kind, record.name, record.counts) == (
        "contact", "", {"touchpoints": 0, "kept_touchpoints": 1})  # fmt: skip


def test_deleting_a_private_customer_deletes_their_touchpoints(workspace, alice):
    private = contact_save(workspace=workspace, fields={"last_name": "Privat", "owner": alice})
    touchpoint = log(private, alice, days=4)
    contact_delete(contact=private, by=alice)
    assert not Touchpoint.objects.filter(pk=touchpoint.pk).exists()


def test_deleting_a_contact_re_derives_their_accounts_clock(contact, alice):
    # given an account whose stored clock went stale (a touchpoint written around the service)
    log(contact, alice, days=100)
    Account.objects.filter(pk=contact.account_id).update(last_personal_at=None, attempts=3)
    contact_delete(contact=contact, by=alice)
    account = fresh(contact.account)
    assert account.attempts == 0
    assert account.next_due_on == due_on(100, contact.workspace)


def test_staff_may_not_delete_a_contact(contact, bob):
    with pytest.raises(PermissionDenied):
        contact_delete(contact=contact, by=bob)
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert not DeletionRecord.objects.exists()


# --- accounts -------------------------------------------------------------------------------


def test_deleting_an_account_takes_its_contacts_and_touchpoints_along(account, contact, alice):
    # given an account with two people, one touchpoint each and one on the account itself
    colleague = contact_save(workspace=account.workspace,
                             fields={"last_name": "Weber", "account": account})  # fmt: skip
    log(contact, alice, days=3)
    log(colleague, alice, days=4)
    log(account, alice, days=5)
    other = Account.objects.create(workspace=account.workspace, name="Andere GmbH")
    elsewhere = log(other, alice, days=6, contact=colleague, account=other)
    # when the account is deleted
    record = account_delete(account=account, by=alice)
    # then it goes with its people and its timeline; another account keeps its history
    assert not Account.objects.filter(pk=account.pk).exists()
    assert not Contact.objects.filter(pk__in=[contact.pk, colleague.pk]).exists()
    assert list(Touchpoint.objects.filter(workspace=account.workspace)) == [elsewhere]
    assert Touchpoint.objects.get(pk=elsewhere.pk).contact_id is None
    assert (record.kind, record.name, record.counts) == (
        "account", "Bäckerei Sonnenschein", {"contacts": 2, "touchpoints": 3})  # fmt: skip


def test_staff_may_not_delete_an_account(account, bob):
    with pytest.raises(PermissionDenied):
        account_delete(account=account, by=bob)
    assert Account.objects.filter(pk=account.pk).exists()


# --- the confirm step -----------------------------------------------------------------------


def test_the_confirm_page_names_the_account_with_its_counts(account, contact, alice, alice_client):
    for days in (3, 4, 5):
        log(contact, alice, days=days)
    url = reverse("relationships:account-delete", args=[account.pk])
    html = alice_client.get(url).content.decode()
    assert "Delete “Bäckerei Sonnenschein” with 1 contact and 3 touchpoints?" in html
    assert "Jürgen Müller" in html
    assert f'action="{url}"' in html
    # a GET never deletes
    assert Account.objects.filter(pk=account.pk).exists()
    assert Touchpoint.objects.filter(account=account).count() == 3


def test_the_confirm_step_speaks_german(account, contact, alice, alice_client):
    log(contact, alice, days=3)
    alice.language = "de"
    alice.save()
    url = reverse("relationships:account-delete", args=[account.pk])
    html = alice_client.get(url).content.decode()
    assert "„Bäckerei Sonnenschein“ mit 1 Kontakt und 1 Aktivität löschen?" in html


def test_htmx_gets_the_confirm_step_in_place(contact, alice_client):
    url = reverse("relationships:contact-delete", args=[contact.pk])
    response = alice_client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith("<form")
    assert "Delete “Jürgen Müller” with 0 touchpoints?" in html
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_posting_the_confirm_deletes_and_goes_to_the_list_with_a_message(account, alice_client):
    response = alice_client.post(
        reverse("relationships:account-delete", args=[account.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("relationships:account-list")
    assert "Deleted “Bäckerei Sonnenschein” with 0 contacts and 0 touchpoints." in (
        response.content.decode()
    )
    assert not Account.objects.filter(pk=account.pk).exists()


def test_htmx_follows_a_redirect_and_the_message_waits_for_the_list(contact, alice_client):
    response = alice_client.post(
        reverse("relationships:contact-delete", args=[contact.pk]), headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == reverse("relationships:contact-list")
    assert b"Deleted" not in response.content
    html = alice_client.get(reverse("relationships:contact-list")).content.decode()
    assert "Deleted “Jürgen Müller”." in html


def test_deleting_a_touchpoint_in_place_answers_the_panel_with_the_new_due_date(
    contact, alice, alice_client
):
    log(contact, alice, days=400)
    recent = log(contact, alice, days=10)
    response = alice_client.post(
        reverse("relationships:touchpoint-delete", args=[recent.pk]),
        {"on": "contact"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="touchpoint-panel"' in html
    expected = fresh(contact).next_due_on
    assert expected == due_on(400, contact.workspace)
    assert f"{expected:%m/%d/%Y}" in html
    assert "Touchpoint deleted; the next-due date is worked out again." in html


def test_the_timeline_offers_delete_only_where_it_is_allowed(contact, alice, bob, client):
    hers = log(contact, alice, days=3)
    mine = log(contact, bob, days=2)
    client.force_login(bob)
    html = client.get(reverse("relationships:contact-detail", args=[contact.pk])).content.decode()
    assert reverse("relationships:touchpoint-delete", args=[mine.pk]) in html
    assert reverse("relationships:touchpoint-delete", args=[hers.pk]) not in html
    assert reverse("relationships:contact-delete", args=[contact.pk]) not in html


def test_staff_are_refused_the_confirm_page_of_someone_elses_touchpoint(
    contact, alice, bob, client
):
    hers = log(contact, alice, days=3)
    client.force_login(bob)
    url = reverse("relationships:touchpoint-delete", args=[hers.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert client.post(reverse("relationships:contact-delete", args=[contact.pk])).status_code == (
        403
    )
    assert Touchpoint.objects.filter(pk=hers.pk).exists()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_another_workspace_gets_404_and_anonymous_visitors_sign_in(contact, alice, carol, client):
    touchpoint = log(contact, alice, days=3)
    urls = [
        reverse("relationships:account-delete", args=[contact.account_id]),
        reverse("relationships:contact-delete", args=[contact.pk]),
        reverse("relationships:touchpoint-delete", args=[touchpoint.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
        assert client.post(url)["Location"].startswith("/login/")
    client.force_login(carol)
    for url in urls:
        assert (client.get(url).status_code, client.post(url).status_code) == (404, 404)
    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()
    assert Contact.objects.filter(pk=contact.pk).exists()


# --- the API --------------------------------------------------------------------------------


def test_the_api_deletes_with_204_and_the_due_date_follows(contact, alice, client, alice_token):
    log(contact, alice, days=400)
    recent = log(contact, alice, days=10)
    response = client.delete(f"/api/v1/touchpoints/{recent.pk}", headers=bearer(alice_token))
    assert response.status_code == 204
    assert fresh(contact).next_due_on == due_on(400, contact.workspace)
    response = client.delete(f"/api/v1/contacts/{contact.pk}", headers=bearer(alice_token))
    assert response.status_code == 204
    response = client.delete(f"/api/v1/accounts/{contact.account_id}", headers=bearer(alice_token))
    assert response.status_code == 204
    assert not Account.objects.filter(pk=contact.account_id).exists()
    assert DeletionRecord.objects.count() == 3


def test_the_api_refuses_staff_and_other_workspaces(contact, alice, bob_membership, client):
    from touchbase.core.services import api_token_create

    touchpoint = log(contact, alice, days=3)
    bob_token = api_token_create(membership=bob_membership, name="t")[1]
    for url in (f"/api/v1/touchpoints/{touchpoint.pk}", f"/api/v1/contacts/{contact.pk}",
                f"/api/v1/accounts/{contact.account_id}"):  # fmt: skip
        assert client.delete(url, headers=bearer(bob_token)).status_code == 403
        assert client.delete(url).status_code == 401
    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()
    assert not DeletionRecord.objects.exists()


def test_the_api_answers_404_for_another_workspaces_rows(contact, alice, client, carol_token):
    touchpoint = log(contact, alice, days=3)
    for url in (f"/api/v1/touchpoints/{touchpoint.pk}", f"/api/v1/contacts/{contact.pk}",
                f"/api/v1/accounts/{contact.account_id}"):  # fmt: skip
        assert client.delete(url, headers=bearer(carol_token)).status_code == 404
    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()


@pytest.mark.parametrize("kind", ["account", "contact", "touchpoint"])
def test_a_get_of_any_delete_address_only_asks(kind, contact, alice, alice_client):
    touchpoint = log(contact, alice, days=3)
    pk = {"account": contact.account_id, "contact": contact.pk, "touchpoint": touchpoint.pk}[kind]
    url = reverse(f"relationships:{kind}-delete", args=[pk])
    for headers in ({}, {"HX-Request": "true"}):
        response = alice_client.get(url, headers=headers)
        assert response.status_code == 200
        assert 'role="alertdialog"' in response.content.decode()
    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert not DeletionRecord.objects.exists()


def test_without_javascript_a_deleted_touchpoint_leads_back_to_the_page_it_was_on(
    contact, alice, alice_client
):
    touchpoint = log(contact, alice, days=3)
    response = alice_client.post(
        reverse("relationships:touchpoint-delete", args=[touchpoint.pk]), {"on": "account"},
        follow=True,
    )  # fmt: skip
    assert response.redirect_chain[-1][0] == reverse(
        "relationships:account-detail", args=[contact.account_id]
    )
    assert "Touchpoint deleted; the next-due date is worked out again." in (
        response.content.decode()
    )


def test_staff_delete_their_own_touchpoint_through_the_api(contact, bob, bob_membership, client):
    from touchbase.core.services import api_token_create

    mine = log(contact, bob, days=2)
    token = api_token_create(membership=bob_membership, name="t")[1]
    assert client.delete(f"/api/v1/touchpoints/{mine.pk}", headers=bearer(token)).status_code == (
        204
    )
    assert not Touchpoint.objects.filter(pk=mine.pk).exists()


def test_the_confirm_step_for_a_newsletter_says_nothing_about_the_next_due_date(
    contact, alice, alice_client
):
    alice.language = "de"
    alice.save()
    newsletter = touchpoint_log(workspace=contact.workspace, contact=contact, channel="newsletter",
                                occurred_at=days_ago(5), logged_by=alice)  # fmt: skip
    url = reverse("relationships:touchpoint-delete", args=[newsletter.pk])
    html = alice_client.get(url).content.decode()
    assert "Aktivität „Newsletter“" in html
    assert "neu berechnet" not in html
    response = alice_client.post(url, {"on": "contact"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Aktivität gelöscht." in html
    assert "neu berechnet" not in html


def test_the_confirm_step_for_a_call_says_the_next_due_date_is_worked_out_again(
    contact, alice, alice_client
):
    alice.language = "de"
    alice.save()
    call = log(contact, alice, days=5)
    html = alice_client.get(reverse("relationships:touchpoint-delete", args=[call.pk])).content
    assert "wird ohne sie neu berechnet" in html.decode()


def test_deleting_an_account_resets_the_clock_of_someone_who_moved_on_from_it(
    workspace, contact, alice
):
    from touchbase.relationships.services import account_save

    old_employer = contact.account
    log(contact, alice, days=2)
    new_employer = account_save(workspace=workspace, fields={"name": "Neue Firma"})
    contact_save(workspace=workspace, fields={"account": new_employer}, contact=fresh(contact))
    # when the old company goes, with what this person said there
    account_delete(account=old_employer, by=alice)
    # then they count as never reached, as after deleting that touchpoint alone
    row = fresh(contact)
    assert Touchpoint.objects.filter(contact=row).count() == 0
    assert row.last_personal_at is None
    assert row.next_due_on == row.created_at.astimezone(workspace.zone).date()
