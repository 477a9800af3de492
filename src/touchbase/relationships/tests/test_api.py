"""REST API: same rules as the web UI, token auth, 4xx with field errors, workspace isolation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from touchbase.core.timeutil import local_today
from touchbase.relationships.models import Account, CadencePolicy, Contact, Touchpoint
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(workspace):
    return CadencePolicy.objects.create(workspace=workspace, name="Alle", scope="all",
                                        interval_days=200)  # fmt: skip


def test_anonymous_and_bad_tokens_get_401(client, account):
    assert client.get("/api/v1/accounts").status_code == 401
    assert client.get("/api/v1/accounts", headers=bearer("tb_wrong")).status_code == 401


def test_openapi_description_lists_the_operations(client, db):
    response = client.get("/api/v1/openapi.json")
    paths = response.json()["paths"]
    assert response.status_code == 200
    assert {"/api/v1/accounts", "/api/v1/contacts", "/api/v1/touchpoints", "/api/v1/due",
            "/api/v1/cadence-policies", "/api/v1/team"} <= set(paths)  # fmt: skip


def test_another_workspace_gets_404_for_every_object(client, carol_token, account, contact,
                                                      policy):  # fmt: skip
    headers = bearer(carol_token)
    calls = [
        ("get", f"/api/v1/accounts/{account.pk}", None),
        ("patch", f"/api/v1/accounts/{account.pk}", {"name": "Hijack"}),
        ("get", f"/api/v1/accounts/{account.pk}/touchpoints", None),
        ("get", f"/api/v1/contacts/{contact.pk}", None),
        ("patch", f"/api/v1/contacts/{contact.pk}", {"last_name": "Hijack"}),
        ("get", f"/api/v1/contacts/{contact.pk}/touchpoints", None),
        ("post", f"/api/v1/contacts/{contact.pk}/call-sheet", {"wellbeing": "x"}),
        ("post", f"/api/v1/due/contact/{contact.pk}/snooze",
         {"until": "2099-01-01", "reason": "x"}),
        ("put", f"/api/v1/cadence-policies/{policy.pk}",
         {"name": "x", "scope": "all", "interval_days": 5}),
        ("delete", f"/api/v1/cadence-policies/{policy.pk}", None),
    ]  # fmt: skip
    for method, url, body in calls:
        kwargs = {"headers": headers}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        response = getattr(client, method)(url, **kwargs)
        assert response.status_code == 404, (method, url)
    account.refresh_from_db()
    contact.refresh_from_db()
    assert (account.name, contact.last_name) == ("Bäckerei Sonnenschein", "Müller")
    assert CadencePolicy.objects.get(pk=policy.pk).interval_days == 200


def test_lists_never_show_another_workspace(client, carol_token, account, contact):
    for url in ("/api/v1/accounts", "/api/v1/contacts", "/api/v1/due?scope=team"):
        assert client.get(url, headers=bearer(carol_token)).json()["items"] == []


def test_touchpoint_into_another_workspace_is_refused(client, carol_token, contact):
    response = client.post(
        "/api/v1/touchpoints", headers=bearer(carol_token), content_type="application/json",
        data={"contact_id": contact.pk, "channel": "phone",
              "occurred_at": timezone.now().isoformat()},
    )  # fmt: skip
    assert response.status_code == 422
    assert "contact_id" in response.json()["errors"]
    assert Touchpoint.objects.count() == 0


def test_create_contact_stores_phone_in_e164(client, alice_token, account):
    response = client.post(
        "/api/v1/contacts", headers=bearer(alice_token), content_type="application/json",
        data={"first_name": "Lea", "last_name": "Gruber", "phone": "+41 44 668 18 00",
              "country": "CH", "account_id": account.pk, "tags": ["Neukunde"]},
    )  # fmt: skip
    body = response.json()
    assert response.status_code == 201
    assert body["phone"] == "+41446681800"
    assert body["account_name"] == "Bäckerei Sonnenschein"
    assert body["next_due_on"] == local_today(account.workspace.zone).isoformat()


def test_bad_phone_email_and_missing_name_give_field_errors_and_nothing_is_saved(
    client, alice_token
):
    response = client.post(
        "/api/v1/contacts", headers=bearer(alice_token), content_type="application/json",
        data={"last_name": "Fehler", "phone": "12", "email": "nope"},
    )  # fmt: skip
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"phone", "email"}
    missing = client.post("/api/v1/contacts", headers=bearer(alice_token),
                          content_type="application/json", data={"first_name": "X"})  # fmt: skip
    assert missing.status_code == 422
    assert Contact.objects.count() == 0


def test_bad_date_in_a_touchpoint_is_a_422(client, alice_token, contact):
    response = client.post(
        "/api/v1/touchpoints", headers=bearer(alice_token), content_type="application/json",
        data={"contact_id": contact.pk, "channel": "phone", "occurred_at": "gestern"},
    )  # fmt: skip
    assert response.status_code == 422
    assert Touchpoint.objects.count() == 0


def test_logging_a_touchpoint_moves_the_due_date(client, alice_token, contact):
    occurred = timezone.now() - dt.timedelta(days=30)
    response = client.post(
        "/api/v1/touchpoints", headers=bearer(alice_token), content_type="application/json",
        data={"contact_id": contact.pk, "channel": "meeting", "occurred_at": occurred.isoformat(),
              "summary": "Jahresgespräch"},
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["is_personal"] is True
    got = client.get(f"/api/v1/contacts/{contact.pk}", headers=bearer(alice_token)).json()
    expected = occurred.astimezone(contact.workspace.zone).date() + dt.timedelta(days=365)
    assert got["next_due_on"] == expected.isoformat()
    timeline = client.get(f"/api/v1/accounts/{contact.account_id}/touchpoints",
                          headers=bearer(alice_token)).json()  # fmt: skip
    assert [tp["summary"] for tp in timeline["items"]] == ["Jahresgespräch"]


def test_due_list_pages_without_counting(client, alice_token, workspace, alice):
    for number in range(3):
        Account.objects.create(workspace=workspace, name=f"A{number}", owner=alice,
                               value=number, next_due_on=local_today(workspace.zone))  # fmt: skip
    first = client.get("/api/v1/due?limit=2", headers=bearer(alice_token)).json()
    second = client.get("/api/v1/due?limit=2&offset=2", headers=bearer(alice_token)).json()
    assert [item["name"] for item in first["items"]] == ["A2", "A1"]
    assert first["next_offset"] == 2
    assert [item["name"] for item in second["items"]] == ["A0"]
    assert second["next_offset"] is None


def test_snooze_through_the_api(client, alice_token, workspace, contact):
    until = local_today(workspace.zone) + dt.timedelta(days=3)
    response = client.post(
        f"/api/v1/due/contact/{contact.pk}/snooze", headers=bearer(alice_token),
        content_type="application/json", data={"until": until.isoformat(), "reason": "Kur"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["next_due_on"] == until.isoformat()
    bad = client.post(
        f"/api/v1/due/contact/{contact.pk}/snooze", headers=bearer(alice_token),
        content_type="application/json", data={"until": "2000-01-01", "reason": ""},
    )  # fmt: skip
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"until", "reason"}


def test_policies_through_the_api_update_due_dates(client, alice_token, contact):
    response = client.post(
        "/api/v1/cadence-policies", headers=bearer(alice_token), content_type="application/json",
        data={"name": "Kunden mit Tag", "scope": "tag", "interval_days": 60, "tag": "VIP"},
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["tag"] == "VIP"
    client.patch(f"/api/v1/contacts/{contact.pk}", headers=bearer(alice_token),
                 content_type="application/json", data={"tags": ["vip"]})  # fmt: skip
    contact.refresh_from_db()
    assert contact.cadence_days == 60
    invalid = client.post(
        "/api/v1/cadence-policies", headers=bearer(alice_token), content_type="application/json",
        data={"name": "x", "scope": "segment", "interval_days": 60},
    )  # fmt: skip
    assert invalid.status_code == 422
    assert "segment" in invalid.json()["errors"]


def test_call_sheet_through_the_api(client, alice_token, contact):
    response = client.post(
        f"/api/v1/contacts/{contact.pk}/call-sheet", headers=bearer(alice_token),
        content_type="application/json",
        data={"address_current": "yes", "works_from_home": "no", "newsletter_wanted": "no"},
    )  # fmt: skip
    assert response.status_code == 201
    contact.refresh_from_db()
    assert contact.works_from_home is False
    assert contact.address_verified_at is not None
    assert contact.consents.get().status == "withdrawn"


def test_team_coverage_through_the_api(client, alice_token, contact):
    body = client.get("/api/v1/team", headers=bearer(alice_token)).json()
    assert body["accounts_by_owner"] == [
        {"label": "Alice Adler", "total": 1, "covered": 0, "overdue": 0, "percent": 0}
    ]


def test_me_and_preferences(client, alice_token):
    response = client.put("/api/v1/me/preferences", headers=bearer(alice_token),
                          content_type="application/json",
                          data={"language": "de", "digest_frequency": "daily"})  # fmt: skip
    assert response.json()["language"] == "de"
    assert response.json()["digest_frequency"] == "daily"
    bad = client.put("/api/v1/me/preferences", headers=bearer(alice_token),
                     content_type="application/json",
                     data={"language": "fr", "digest_frequency": "daily"})  # fmt: skip
    assert bad.status_code == 422


def test_a_contacts_notes_go_in_and_come_out_through_the_api(client, alice_token):
    headers = bearer(alice_token)
    kept = "Telefon: 0049-(0)89-12 ext. 7"
    created = client.post("/api/v1/contacts", headers=headers, content_type="application/json",
                          data={"last_name": "Huber", "notes": kept})  # fmt: skip
    assert created.status_code == 201
    assert created.json()["notes"] == kept
    url = f"/api/v1/contacts/{created.json()['id']}"
    changed = client.patch(url, headers=headers, content_type="application/json",
                           data={"notes": "Ruft lieber zurück"})  # fmt: skip
    assert changed.json()["notes"] == "Ruft lieber zurück"
    assert Contact.objects.get().notes == "Ruft lieber zurück"
    too_long = client.patch(url, headers=headers, content_type="application/json",
                            data={"notes": "x" * 10_001})  # fmt: skip
    assert too_long.status_code == 422
    assert "notes" in str(too_long.json())
    assert Contact.objects.get().notes == "Ruft lieber zurück"


def test_the_api_takes_a_contacts_language_as_a_code_the_forms_offer(client, alice_token):
    headers = bearer(alice_token)
    created = client.post("/api/v1/contacts", headers=headers, content_type="application/json",
                          data={"last_name": "Rossi", "language": "IT"})  # fmt: skip
    assert created.json()["language"] == "it"
    for wrong in ["Deutsch", "xx", "de-AT"]:
        response = client.post("/api/v1/contacts", headers=headers,
                               content_type="application/json",
                               data={"last_name": "Huber", "language": wrong})  # fmt: skip
        assert response.status_code == 422, wrong
        assert "language" in str(response.json())
    assert Contact.objects.count() == 1
