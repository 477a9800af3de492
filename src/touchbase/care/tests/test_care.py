"""Consent, freshness, regional advice, vouchers, duplicates and personal-data rights."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from touchbase.care import selectors as data_selectors
from touchbase.care import services as data_services
from touchbase.care.models import ErasureRecord, MergeRecord, RegionalAdvice, Voucher
from touchbase.core.timeutil import local_today
from touchbase.relationships import selectors
from touchbase.relationships.models import Contact, Touchpoint
from touchbase.relationships.services import contact_save, touchpoint_log
from touchbase.testing import days_ago

pytestmark = pytest.mark.django_db


def today(workspace) -> dt.date:
    return local_today(workspace.zone)


# --- consent -------------------------------------------------------------------------------


def test_only_contacts_whose_last_consent_is_given_may_receive_the_newsletter(
    workspace, contact, alice
):
    other = contact_save(workspace=workspace, fields={"last_name": "Zweiter", "email": "z@x.de"})
    data_services.consent_change(contact=contact, status="given", source="Messe", by=alice)
    data_services.consent_change(contact=other, status="given", source="Website", by=alice)
    data_services.consent_change(contact=other, status="withdrawn", source="E-Mail", by=alice)
    recipients = selectors.newsletter_recipients(workspace=workspace)
    assert list(recipients.values_list("last_name", flat=True)) == ["Müller"]
    assert [c.status for c in other.consents.order_by("recorded_at", "id")] == [
        "given", "withdrawn"]  # fmt: skip
    data_services.email_bounce_mark(contact=contact)
    assert selectors.newsletter_recipients(workspace=workspace).count() == 0


def test_consent_needs_a_source(workspace, contact, alice):
    with pytest.raises(ValidationError) as error:
        data_services.consent_change(contact=contact, status="given", source=" ", by=alice)
    assert "source" in error.value.message_dict
    assert contact.consents.count() == 0


def test_contact_list_filter_shows_who_may_receive_the_newsletter(alice_client, contact, alice):
    contact_save(workspace=contact.workspace, fields={"last_name": "Ohne", "email": "o@x.de"})
    data_services.consent_change(contact=contact, status="given", source="Call", by=alice)
    html = alice_client.get(reverse("relationships:contact-list") + "?newsletter=1").content
    assert "Müller" in html.decode()
    assert "Ohne" not in html.decode()


# --- freshness -----------------------------------------------------------------------------


def test_freshness_counts_stale_addresses_bounces_and_unreachable_per_owner(workspace, alice):
    fresh = contact_save(workspace=workspace, fields={"last_name": "Frisch", "owner": alice,
                                                      "email": "f@x.de"})  # fmt: skip
    Contact.objects.filter(pk=fresh.pk).update(address_verified_at=timezone.now())
    old = contact_save(workspace=workspace, fields={"last_name": "Alt", "owner": alice,
                                                    "email": "a@x.de"})  # fmt: skip
    Contact.objects.filter(pk=old.pk).update(address_verified_at=days_ago(400))
    contact_save(workspace=workspace, fields={"last_name": "Stumm", "owner": alice})
    data_services.email_bounce_mark(contact=fresh)
    rows = data_selectors.freshness_by_owner(workspace=workspace, today=today(workspace))
    assert [(r.owner_name, r.total, r.address_stale, r.email_bounced, r.unreachable)
            for r in rows] == [("Alice Adler", 3, 2, 1, 1)]  # fmt: skip


def test_freshness_page_links_to_the_call_sheet(alice_client, contact):
    html = alice_client.get(reverse("care:freshness")).content.decode()
    assert reverse("relationships:call-sheet", args=[contact.pk]) in html


# --- regional advice -----------------------------------------------------------------------


def test_call_sheet_shows_valid_advice_for_the_region_and_hides_expired(
    alice_client, workspace, contact
):
    day = today(workspace)
    for title, region, until in (("Förderung Bayern", "bayern", None),
                                 ("Ganz Deutschland", "", None),
                                 ("Abgelaufen", "Bayern", day - dt.timedelta(days=1)),
                                 ("Tirol", "Tirol", None)):  # fmt: skip
        data_services.advice_save(advice=RegionalAdvice(
            workspace=workspace, country="DE" if title != "Tirol" else "AT", region=region,
            title=title, valid_from=day - dt.timedelta(days=30), valid_until=until))  # fmt: skip
    html = alice_client.get(reverse("relationships:call-sheet", args=[contact.pk])).content
    html = html.decode()
    assert "Förderung Bayern" in html
    assert "Ganz Deutschland" in html
    assert "Abgelaufen" not in html
    assert "Tirol</strong>" not in html


def test_advice_ending_before_it_starts_is_refused(workspace):
    with pytest.raises(ValidationError):
        data_services.advice_save(advice=RegionalAdvice(
            workspace=workspace, country="AT", title="x", valid_from=dt.date(2026, 5, 1),
            valid_until=dt.date(2026, 4, 1)))  # fmt: skip
    assert RegionalAdvice.objects.count() == 0


# --- vouchers ------------------------------------------------------------------------------


def test_voucher_issue_redeem_once_and_expire(workspace, contact, alice):
    voucher = data_services.voucher_issue(
        workspace=workspace, contact=contact, value=Decimal("150.00"),
        valid_until=today(workspace) + dt.timedelta(days=90), by=alice, note="Beratung Küche",
    )  # fmt: skip
    assert len(voucher.code) == 14
    assert voucher.account == contact.account
    open_codes = data_selectors.voucher_list(workspace=workspace, status="open",
                                             today=today(workspace))  # fmt: skip
    assert [v.code for v in open_codes] == [voucher.code]
    data_services.voucher_redeem(voucher=voucher, order_reference="A-4711", by=alice)
    with pytest.raises(ValidationError):
        data_services.voucher_redeem(voucher=voucher, order_reference="A-4712", by=alice)
    voucher.refresh_from_db()
    assert voucher.order_reference == "A-4711"
    Voucher.objects.filter(pk=voucher.pk).update(redeemed_at=None, valid_until=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="expired"):
        data_services.voucher_redeem(voucher=voucher, order_reference="B", by=alice)
    assert [v.pk for v in data_selectors.voucher_list(
        workspace=workspace, status="expired", today=today(workspace))] == [voucher.pk]  # fmt: skip


def test_voucher_pages(alice_client, workspace, contact):
    until = (today(workspace) + dt.timedelta(days=30)).isoformat()
    response = alice_client.post(
        reverse("care:voucher-issue", args=[contact.pk]),
        {"value": "80", "valid_until": until, "note": "Erstberatung"},
    )
    voucher = Voucher.objects.get()
    assert response.status_code == 302
    alice_client.post(reverse("care:voucher-redeem", args=[voucher.pk]),
                      {"order_reference": "R-1"})  # fmt: skip
    voucher.refresh_from_db()
    assert voucher.order_reference == "R-1"
    page = alice_client.get(reverse("relationships:contact-detail", args=[contact.pk]))
    assert voucher.code in page.content.decode()


# --- duplicates and merge ------------------------------------------------------------------


def test_duplicates_are_found_by_email_phone_and_similar_name(workspace, account, contact):
    same_mail = contact_save(workspace=workspace, fields={
        "last_name": "Mueller", "email": "JUERGEN@sonnenschein.example"})  # fmt: skip
    same_phone = contact_save(
        workspace=workspace, fields={"last_name": "X", "phone": "089/1234567"}
    )
    similar = contact_save(workspace=workspace, fields={
        "first_name": "Jürgen", "last_name": "Müler", "account": account})  # fmt: skip
    pairs = data_services.duplicates_find(workspace=workspace).contacts.pairs
    assert pairs[(contact.pk, same_mail.pk)] == {"email": 100}
    assert pairs[(contact.pk, same_phone.pk)] == {"phone": 90}
    assert set(pairs[(contact.pk, similar.pk)]) == {"name"}


def test_merge_moves_history_to_the_survivor_and_is_recorded(workspace, contact, alice):
    duplicate = contact_save(workspace=workspace, fields={
        "last_name": "Müller", "email": "juergen@sonnenschein.example", "mobile": "0171 1234567",
        "tags": []})  # fmt: skip
    touchpoint_log(workspace=workspace, contact=duplicate, channel="phone",
                   occurred_at=days_ago(3), logged_by=alice)  # fmt: skip
    data_services.consent_change(contact=duplicate, status="given", source="Fax", by=alice)
    # when
    record = data_services.contact_merge(survivor=contact, duplicate=duplicate, by=alice)
    # then
    contact.refresh_from_db()
    assert not Contact.objects.filter(pk=duplicate.pk).exists()
    assert contact.mobile == "+491711234567"
    assert Touchpoint.objects.filter(contact=contact).count() == 1
    assert contact.consents.get().source == "Fax"
    assert contact.last_personal_at is not None
    assert (record.merged_contact_id, record.moved["touchpoints"]) == (duplicate.pk, 1)
    assert MergeRecord.objects.count() == 1


# --- personal-data rights ------------------------------------------------------------------


def test_personal_data_export_holds_everything_on_the_person(alice_client, contact, alice):
    touchpoint_log(
        workspace=contact.workspace,
        contact=contact,
        channel="phone",
        occurred_at=days_ago(1),
        logged_by=alice,
        summary="Über Urlaub gesprochen",
    )
    data_services.consent_change(contact=contact, status="given", source="Messe", by=alice)
    response = alice_client.get(reverse("care:personal-data", args=[contact.pk]))
    data = json.loads(response.content)
    assert data["contact"]["last_name"] == "Müller"
    assert data["contact"]["phone"] == "+49891234567"
    assert data["touchpoints"][0]["summary"] == "Über Urlaub gesprochen"
    assert data["newsletter_consents"][0]["source"] == "Messe"


def test_erasure_removes_personal_data_and_keeps_the_figures(workspace, contact, alice):
    touchpoint_log(
        workspace=workspace,
        contact=contact,
        channel="visit",
        occurred_at=days_ago(2),
        logged_by=alice,
        summary="Privates erzählt",
    )
    data_services.consent_change(contact=contact, status="given", source="Messe", by=alice)
    Contact.objects.filter(pk=contact.pk).update(notes="Telefon privat: 0171 …")
    coverage_before = selectors.coverage(workspace=workspace, by="owner", model=Contact,
                                         today=today(workspace))  # fmt: skip
    # when
    data_services.contact_erase(contact=contact, by=alice)
    # then
    contact.refresh_from_db()
    assert (contact.first_name, contact.email, contact.phone, contact.street) == ("", "", "", "")
    assert contact.notes == ""
    assert contact.last_name == ""
    assert contact.full_name == "[erased]"
    assert contact.consents.count() == 0
    assert list(Touchpoint.objects.filter(contact=contact).values_list("summary", flat=True)) == [
        ""]  # fmt: skip
    assert Touchpoint.objects.filter(workspace=workspace).count() == 1
    assert selectors.coverage(workspace=workspace, by="owner", model=Contact,
                              today=today(workspace)) == coverage_before  # fmt: skip
    log = ErasureRecord.objects.get()
    assert log.contact_id_erased == contact.pk
    assert "Müller" not in json.dumps([str(v) for v in vars(log).values()])
    assert selectors.due_list(workspace=workspace, kind="contact") == []


# --- isolation -----------------------------------------------------------------------------


def test_another_workspace_gets_404_for_every_care_url(carol_client, workspace, contact, alice):
    voucher = data_services.voucher_issue(
        workspace=workspace, contact=contact, value=Decimal(10),
        valid_until=today(workspace) + dt.timedelta(days=5), by=alice)  # fmt: skip
    advice = data_services.advice_save(advice=RegionalAdvice(
        workspace=workspace, country="DE", title="x", valid_from=today(workspace)))  # fmt: skip
    calls = [
        ("post", reverse("care:consent-change", args=[contact.pk]),
         {"status": "given", "source": "x"}),
        ("post", reverse("care:email-bounce", args=[contact.pk]), {}),
        ("get", reverse("care:personal-data", args=[contact.pk]), {}),
        ("post", reverse("care:contact-erase", args=[contact.pk]), {}),
        ("post", reverse("care:voucher-issue", args=[contact.pk]), {}),
        ("post", reverse("care:voucher-redeem", args=[voucher.pk]),
         {"order_reference": "x"}),
        ("get", reverse("care:advice-edit", args=[advice.pk]), {}),
        ("post", reverse("care:advice-delete", args=[advice.pk]), {}),
    ]  # fmt: skip
    for method, url, data in calls:
        assert getattr(carol_client, method)(url, data).status_code == 404, url
    contact.refresh_from_db()
    voucher.refresh_from_db()
    assert (contact.last_name, contact.email_bounced_at, voucher.redeemed_at) == (
        "Müller", None, None)  # fmt: skip
    assert RegionalAdvice.objects.count() == 1
    for name in ("freshness", "duplicates", "voucher-list", "advice-list"):
        html = carol_client.get(reverse(f"care:{name}")).content.decode()
        assert "Müller" not in html
        assert voucher.code not in html


def test_vouchers_appear_on_the_customer_timeline(alice_client, workspace, contact, alice):
    voucher = data_services.voucher_issue(
        workspace=workspace, contact=contact, value=Decimal(40),
        valid_until=today(workspace) + dt.timedelta(days=9), by=alice, note="Beratung Bad",
    )  # fmt: skip
    data_services.voucher_redeem(voucher=voucher, order_reference="B-77", by=alice)
    for url in (reverse("relationships:contact-detail", args=[contact.pk]),
                reverse("relationships:account-detail", args=[contact.account_id])):  # fmt: skip
        timeline = alice_client.get(url).content.decode().split('id="timeline"')[1]
        assert "Voucher issued" in timeline
        assert "Voucher redeemed" in timeline
        assert "B-77" in timeline


def test_a_voucher_between_two_timeline_pages_shows_on_exactly_one(
    alice_client, workspace, contact, alice
):
    for day in range(1, 31):
        touchpoint_log(workspace=workspace, contact=contact, channel="phone",
                       occurred_at=days_ago(day), logged_by=alice)  # fmt: skip
    voucher = data_services.voucher_issue(
        workspace=workspace, contact=contact, value=Decimal(5),
        valid_until=today(workspace) + dt.timedelta(days=9), by=alice,
    )  # fmt: skip
    Touchpoint.objects.filter(source_kind="voucher_issued", source_id=voucher.pk).update(
        occurred_at=days_ago(25) - dt.timedelta(hours=12)
    )
    url = reverse("relationships:contact-detail", args=[contact.pk])
    pages = [alice_client.get(f"{url}?page={n}").content.decode() for n in (1, 2)]
    timelines = [page.split('id="timeline"')[1].split("</section>")[0] for page in pages]
    assert [voucher.code in timeline for timeline in timelines] == [False, True]


def test_data_care_screens_speak_german(alice_client, alice, contact):
    alice.language = "de"
    alice.save()
    pages = {
        "care:freshness": "Aktualität der Daten",
        "care:duplicates": "Wahrscheinliche Dubletten",
        "care:voucher-list": "Beratungsgutscheine",
        "care:advice-list": "Regionale Hinweise",
        "imports:import-start": "Firmen und Kontakte importieren",
    }
    for name, heading in pages.items():
        assert heading in alice_client.get(reverse(name)).content.decode(), name
