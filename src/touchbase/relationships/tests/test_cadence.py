"""Cadence policies, due dates and the due list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from touchbase.core.timeutil import local_today
from touchbase.relationships import selectors
from touchbase.relationships.choices import Channel, DueKind, PolicyScope
from touchbase.relationships.models import CadencePolicy, Contact, Touchpoint
from touchbase.relationships.services import (
    account_save,
    cadence_policy_delete,
    cadence_policy_save,
    contact_save,
    due_snooze,
    tags_from_names,
    touchpoint_log,
)
from touchbase.testing import days_ago

pytestmark = pytest.mark.django_db


def test_a_new_customer_is_due_from_the_day_it_was_created(workspace, contact):
    # then
    today = local_today(workspace.zone)
    assert contact.next_due_on == today
    assert contact.cadence_days == 365


def test_a_personal_call_moves_the_next_due_date_by_the_cadence(workspace, contact, alice):
    # when
    touchpoint_log(
        workspace=workspace, contact=contact, channel=Channel.PHONE,
        occurred_at=days_ago(10), logged_by=alice,
    )  # fmt: skip
    # then
    contact.refresh_from_db()
    expected = local_today(workspace.zone) - dt.timedelta(days=10) + dt.timedelta(days=365)
    assert contact.next_due_on == expected
    assert contact.account.next_due_on == expected


def test_a_newsletter_never_counts_as_personal_contact(workspace, contact, alice):
    # when
    touchpoint = touchpoint_log(
        workspace=workspace, contact=contact, channel=Channel.NEWSLETTER, is_personal=True,
        occurred_at=days_ago(1), logged_by=alice,
    )  # fmt: skip
    # then
    contact.refresh_from_db()
    assert touchpoint.is_personal is False
    assert contact.last_personal_at is None
    assert contact.next_due_on == local_today(workspace.zone)


def test_an_older_touchpoint_logged_late_does_not_move_the_clock_back(workspace, contact, bob):
    touchpoint_log(
        workspace=workspace, contact=contact, channel=Channel.MEETING,
        occurred_at=days_ago(5), logged_by=bob,
    )  # fmt: skip
    contact.refresh_from_db()
    due_after_recent = contact.next_due_on
    # when
    touchpoint_log(
        workspace=workspace, contact=contact, channel=Channel.PHONE,
        occurred_at=days_ago(50), logged_by=bob,
    )  # fmt: skip
    # then
    contact.refresh_from_db()
    assert contact.next_due_on == due_after_recent
    assert Touchpoint.objects.filter(contact=contact).count() == 2


def test_the_most_specific_policy_wins(workspace, alice):
    # given
    key_tag = tags_from_names(workspace=workspace, names=["VIP"])[0]
    plain = account_save(workspace=workspace, fields={"name": "Plain", "segment": "Hotel"})
    key = account_save(
        workspace=workspace, fields={"name": "Key", "segment": "Hotel", "is_key_account": True}
    )
    tagged = account_save(
        workspace=workspace,
        fields={"name": "Tagged", "segment": "Hotel", "is_key_account": True, "tags": [key_tag]},
    )
    # when
    for name, scope, days, extra in [
        ("all", PolicyScope.ALL, 300, {}),
        ("hotels", PolicyScope.SEGMENT, 180, {"segment": "hotel"}),
        ("key", PolicyScope.KEY_ACCOUNTS, 90, {}),
        ("vip", PolicyScope.TAG, 30, {"tag": key_tag}),
    ]:
        cadence_policy_save(
            policy=CadencePolicy(workspace=workspace, name=name, scope=scope, interval_days=days,
                                 **extra)
        )  # fmt: skip
    # then
    for account, days in ((plain, 180), (key, 90), (tagged, 30)):
        account.refresh_from_db()
        assert account.cadence_days == days


def test_deleting_a_policy_falls_back_to_the_next_rule(workspace, contact):
    policy = cadence_policy_save(
        policy=CadencePolicy(workspace=workspace, name="fast", scope=PolicyScope.ALL,
                             interval_days=30)
    )  # fmt: skip
    contact.refresh_from_db()
    assert contact.cadence_days == 30
    # when
    cadence_policy_delete(policy=policy)
    # then
    contact.refresh_from_db()
    assert contact.cadence_days == workspace.default_cadence_days


def test_a_tag_policy_without_a_tag_is_refused_and_nothing_is_stored(workspace):
    with pytest.raises(ValidationError) as error:
        cadence_policy_save(
            policy=CadencePolicy(workspace=workspace, name="x", scope=PolicyScope.TAG,
                                 interval_days=30)
        )  # fmt: skip
    assert "tag" in error.value.message_dict
    assert CadencePolicy.objects.count() == 0


def test_due_list_ranks_most_overdue_first_then_most_valuable(workspace, alice):
    # given: three accounts, two equally overdue with different value
    low = account_save(workspace=workspace, fields={"name": "Low", "owner": alice, "value": 10})
    high = account_save(workspace=workspace, fields={"name": "High", "owner": alice, "value": 99})
    oldest = account_save(workspace=workspace, fields={"name": "Old", "owner": alice, "value": 1})
    # Noon on a local date: "500 days ago" in UTC may cross a change of summer time.
    today = local_today(workspace.zone)
    for account, days in ((low, 400), (high, 400), (oldest, 500)):
        noon = dt.datetime.combine(today - dt.timedelta(days=days), dt.time(12), workspace.zone)
        touchpoint_log(workspace=workspace, account=account, channel=Channel.VISIT,
                       occurred_at=noon, logged_by=alice)  # fmt: skip
    # when
    items = selectors.due_list(workspace=workspace, owner=alice)
    # then
    assert [item.name for item in items] == ["Old", "High", "Low"]
    assert items[0].days_overdue == 500 - 365


def test_due_list_mixes_accounts_and_contacts_in_one_order(workspace, alice, account, contact):
    touchpoint_log(workspace=workspace, account=account, channel=Channel.VISIT,
                   occurred_at=days_ago(380), logged_by=alice)  # fmt: skip
    items = selectors.due_list(workspace=workspace, owner=alice)
    assert [(item.kind, item.name) for item in items] == [
        (DueKind.ACCOUNT, "Bäckerei Sonnenschein"),
        (DueKind.CONTACT, "Jürgen Müller"),
    ]
    assert selectors.due_list(workspace=workspace, owner=alice, offset=1, limit=1)[0].id == (
        contact.id
    )


def test_my_due_list_shows_only_my_customers(workspace, alice, bob, contact):
    contact_save(workspace=workspace, fields={"last_name": "Bobs Kunde", "owner": bob})
    mine = selectors.due_list(workspace=workspace, owner=alice, kind=DueKind.CONTACT)
    team = selectors.due_list(workspace=workspace, kind=DueKind.CONTACT)
    assert [item.name for item in mine] == ["Jürgen Müller"]
    assert sorted(item.name for item in team) == ["Bobs Kunde", "Jürgen Müller"]


def test_snooze_hides_a_customer_until_the_date_and_a_call_ends_it(workspace, contact, alice):
    # when
    until = local_today(workspace.zone) + dt.timedelta(days=14)
    due_snooze(row=contact, until=until, reason="Im Urlaub", workspace=workspace)
    # then
    due = selectors.due_list(workspace=workspace, owner=alice, kind=DueKind.CONTACT)
    assert due == []
    contact.refresh_from_db()
    assert (contact.next_due_on, contact.snooze_reason) == (until, "Im Urlaub")
    # when a colleague calls anyway
    touchpoint_log(workspace=workspace, contact=contact, channel=Channel.PHONE,
                   occurred_at=days_ago(0), logged_by=alice)  # fmt: skip
    contact.refresh_from_db()
    assert contact.snoozed_until is None
    assert contact.snooze_reason == ""


def test_snooze_needs_a_reason_and_a_future_date(workspace, contact):
    with pytest.raises(ValidationError) as error:
        due_snooze(row=contact, until=local_today(workspace.zone), reason=" ", workspace=workspace)
    assert set(error.value.message_dict) == {"until", "reason"}
    contact.refresh_from_db()
    assert contact.snoozed_until is None


def test_a_touchpoint_in_the_future_is_refused(workspace, contact, alice):
    with pytest.raises(ValidationError) as error:
        touchpoint_log(workspace=workspace, contact=contact, channel=Channel.PHONE,
                       occurred_at=days_ago(-2), logged_by=alice)  # fmt: skip
    assert "occurred_at" in error.value.message_dict
    assert Touchpoint.objects.count() == 0


def test_a_touchpoint_cannot_point_into_another_workspace(workspace, carol_contact, alice):
    with pytest.raises(ValidationError):
        touchpoint_log(workspace=workspace, contact=carol_contact, channel=Channel.PHONE,
                       occurred_at=days_ago(1), logged_by=alice)  # fmt: skip
    assert Touchpoint.objects.count() == 0


def test_phone_numbers_are_stored_in_e164(contact):
    assert contact.phone == "+49891234567"
    assert contact.phone_display == "089 1234567"


def test_an_invalid_phone_is_refused_with_a_field_error(workspace):
    with pytest.raises(ValidationError) as error:
        contact_save(workspace=workspace, fields={"last_name": "X", "phone": "12"})
    assert "phone" in error.value.message_dict
    assert Contact.objects.count() == 0


def test_coverage_counts_customers_within_their_cadence(workspace, alice, bob):
    covered = account_save(workspace=workspace, fields={"name": "A", "owner": alice})
    account_save(workspace=workspace, fields={"name": "B", "owner": alice})
    touchpoint_log(workspace=workspace, account=covered, channel=Channel.VISIT,
                   occurred_at=days_ago(3), logged_by=bob)  # fmt: skip
    rows = selectors.coverage(
        workspace=workspace, by="owner", model=type(covered), today=local_today(workspace.zone)
    )
    assert [(r.label, r.total, r.covered, r.percent) for r in rows] == [("Alice Adler", 2, 1, 50)]


def test_key_account_report_names_the_leader_who_touched_it(workspace, alice, bob):
    key = account_save(workspace=workspace, fields={"name": "Key", "is_key_account": True})
    untouched = account_save(workspace=workspace, fields={"name": "Quiet", "is_key_account": True})
    touchpoint_log(workspace=workspace, account=key, channel=Channel.MEETING,
                   occurred_at=days_ago(0), logged_by=bob, participants=[alice])  # fmt: skip
    rows = selectors.key_account_leader_touches(workspace=workspace)
    assert [(r.account.name, r.leader_name) for r in rows] == [
        (untouched.name, ""), (key.name, "Alice Adler"),
    ]  # fmt: skip


def test_the_owner_changes_default_cadence_and_due_dates_follow(alice_client, workspace, alice):
    contact = contact_save(workspace=workspace, fields={"last_name": "Kunde"})
    data = {"name": "Pollux AG", "time_zone": "Europe/Vienna", "home_country": "AT",
            "default_cadence_days": "120"}  # fmt: skip
    response = alice_client.post(reverse("core:workspace-settings"), data)
    workspace.refresh_from_db()
    contact.refresh_from_db()
    assert response.status_code == 302
    assert (workspace.name, workspace.time_zone) == ("Pollux AG", "Europe/Vienna")
    assert contact.cadence_days == 120
