"""API for data care: the same rules as the screens, and nothing of another workspace."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from touchbase.care import services as data_services
from touchbase.care.models import RegionalAdvice, Voucher
from touchbase.core.timeutil import local_today
from touchbase.relationships.models import Contact
from touchbase.relationships.services import contact_save
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db


def post(client, url: str, token: str, data: dict | None = None):
    return client.post(url, data=data or {}, content_type="application/json", headers=bearer(token))


def test_consent_and_newsletter_recipients(client, alice_token, contact):
    created = post(client, f"/api/v1/contacts/{contact.pk}/consents", alice_token,
                   {"status": "given", "source": "Messe"})  # fmt: skip
    assert created.status_code == 201
    assert [c["source"] for c in created.json()] == ["Messe"]
    recipients = client.get("/api/v1/newsletter-recipients", headers=bearer(alice_token)).json()
    assert [r["last_name"] for r in recipients["items"]] == ["Müller"]
    bad = post(client, f"/api/v1/contacts/{contact.pk}/consents", alice_token,
               {"status": "maybe", "source": ""})  # fmt: skip
    assert bad.status_code == 422
    assert contact.consents.count() == 1


def test_voucher_through_the_api(client, alice_token, workspace, contact):
    until = (local_today(workspace.zone) + dt.timedelta(days=30)).isoformat()
    issued = post(client, "/api/v1/vouchers", alice_token,
                  {"contact_id": contact.pk, "value": "99.50", "valid_until": until})  # fmt: skip
    body = issued.json()
    assert issued.status_code == 201
    assert (body["value"], body["account_id"]) == ("99.50", contact.account_id)
    redeemed = post(client, f"/api/v1/vouchers/{body['id']}/redeem", alice_token,
                    {"order_reference": "SO-1"})  # fmt: skip
    assert redeemed.json()["order_reference"] == "SO-1"
    again = post(client, f"/api/v1/vouchers/{body['id']}/redeem", alice_token,
                 {"order_reference": "SO-2"})  # fmt: skip
    assert again.status_code == 422
    listed = client.get("/api/v1/vouchers?status=redeemed", headers=bearer(alice_token)).json()
    assert [v["code"] for v in listed["items"]] == [body["code"]]


def test_merge_and_erase_through_the_api(client, alice_token, workspace, contact):
    twin = contact_save(
        workspace=workspace, fields={"last_name": "Müller", "email": "juergen@sonnenschein.example"}
    )
    data_services.duplicate_scan_run(scan=data_services.duplicate_scan_request(
        workspace=workspace, by=None))  # fmt: skip
    pairs = client.get("/api/v1/duplicates", headers=bearer(alice_token)).json()["items"]
    assert [(p["first_id"], p["second_id"], p["score"], p["reasons"]) for p in pairs] == [
        (contact.pk, twin.pk, 100, {"email": 100})]  # fmt: skip
    merged = post(client, f"/api/v1/contacts/{contact.pk}/merge", alice_token,
                  {"duplicate_id": twin.pk})  # fmt: skip
    assert merged.json()["merged_contact_id"] == twin.pk
    data = client.get(f"/api/v1/contacts/{contact.pk}/personal-data", headers=bearer(alice_token))
    assert data.json()["contact"]["email"] == "juergen@sonnenschein.example"
    assert post(client, f"/api/v1/contacts/{contact.pk}/erase", alice_token).status_code == 204
    contact.refresh_from_db()
    assert (contact.email, contact.last_name, contact.full_name) == ("", "", "[erased]")


def test_advice_and_freshness_through_the_api(client, alice_token, workspace, contact):
    created = post(client, "/api/v1/regional-advice", alice_token, {
        "country": "DE", "region": "Bayern", "title": "Digitalbonus",
        "valid_from": "2026-01-01", "link": "https://example.org/bonus"})  # fmt: skip
    assert created.status_code == 201
    advice = client.get(f"/api/v1/contacts/{contact.pk}/regional-advice",
                        headers=bearer(alice_token)).json()  # fmt: skip
    assert [a["title"] for a in advice] == ["Digitalbonus"]
    wrong = post(client, "/api/v1/regional-advice", alice_token, {
        "country": "XX", "title": "x", "valid_from": "2026-01-01"})  # fmt: skip
    assert wrong.status_code == 422
    rows = client.get("/api/v1/freshness", headers=bearer(alice_token)).json()
    assert rows[0]["address_stale"] == 1


def test_export_through_the_api(client, alice_token, contact):
    response = client.get("/api/v1/exports/contacts?format=csv", headers=bearer(alice_token))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Müller" in text
    assert client.get("/api/v1/exports/contacts").status_code == 401


def test_another_workspace_gets_404_everywhere(client, carol_token, workspace, contact, alice):
    voucher = data_services.voucher_issue(
        workspace=workspace, contact=contact, value=Decimal(5),
        valid_until=local_today(workspace.zone) + dt.timedelta(days=3), by=alice)  # fmt: skip
    advice = data_services.advice_save(advice=RegionalAdvice(
        workspace=workspace, country="DE", title="x",
        valid_from=local_today(workspace.zone)))  # fmt: skip
    calls = [
        ("get", f"/api/v1/contacts/{contact.pk}/consents", None),
        ("post", f"/api/v1/contacts/{contact.pk}/consents", {"status": "given", "source": "x"}),
        ("post", f"/api/v1/contacts/{contact.pk}/bounced", {}),
        ("get", f"/api/v1/contacts/{contact.pk}/regional-advice", None),
        ("put", f"/api/v1/regional-advice/{advice.pk}",
         {"country": "DE", "title": "y", "valid_from": "2026-01-01"}),
        ("delete", f"/api/v1/regional-advice/{advice.pk}", None),
        ("post", f"/api/v1/vouchers/{voucher.pk}/redeem", {"order_reference": "x"}),
        ("post", f"/api/v1/contacts/{contact.pk}/merge", {"duplicate_id": contact.pk}),
        ("get", f"/api/v1/contacts/{contact.pk}/personal-data", None),
        ("post", f"/api/v1/contacts/{contact.pk}/erase", {}),
    ]  # fmt: skip
    for method, url, body in calls:
        kwargs = {"headers": bearer(carol_token)}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        assert getattr(client, method)(url, **kwargs).status_code == 404, (method, url)
    issued = post(
        client,
        "/api/v1/vouchers",
        carol_token,
        {"contact_id": contact.pk, "value": "1", "valid_until": "2099-01-01"},
    )
    assert issued.status_code == 422
    contact.refresh_from_db()
    voucher.refresh_from_db()
    assert (contact.last_name, contact.email_bounced_at, voucher.redeemed_at) == (
        "Müller", None, None)  # fmt: skip
    assert RegionalAdvice.objects.get().title == "x"
    assert Voucher.objects.count() == 1
    assert Contact.objects.count() == 1
    for url in ("/api/v1/vouchers", "/api/v1/newsletter-recipients",
                "/api/v1/freshness/contacts"):  # fmt: skip
        assert client.get(url, headers=bearer(carol_token)).json()["items"] == []
    assert client.get("/api/v1/duplicates", headers=bearer(carol_token)).json()["items"] == []
