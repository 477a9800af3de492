"""Numbers no column can hold and explicit nulls are 4xx with a field error, never 500."""

from __future__ import annotations

import pytest

from touchbase.relationships.models import Contact
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db

TOO_BIG = 2**63


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/v1/contacts/{TOO_BIG}", "contact_id"),
        (f"/api/v1/contacts?offset={TOO_BIG}", "offset"),
        (f"/api/v1/contacts?owner_id={TOO_BIG}", "owner_id"),
        (f"/api/v1/contacts?account_id={TOO_BIG}", "account_id"),
        (f"/api/v1/vouchers/{TOO_BIG}/redeem", "voucher_id"),
    ],
)
def test_api_ids_past_bigint_are_a_field_error(client, alice_token, contact, path, field):
    method = client.post if path.endswith("redeem") else client.get
    response = method(path, headers=bearer(alice_token), content_type="application/json")
    assert response.status_code == 422
    assert field in [item["loc"][-1] for item in response.json()["detail"]]


@pytest.mark.parametrize(
    "path",
    [f"/contacts/{TOO_BIG}/", f"/accounts/{TOO_BIG}/edit/", f"/vouchers/{TOO_BIG}/redeem/"],
)
def test_web_ids_past_bigint_are_not_found(alice_client, path):
    assert alice_client.get(path).status_code == 404


@pytest.mark.parametrize(
    "query", [f"?page={TOO_BIG}", f"?owner={TOO_BIG}", f"?account={TOO_BIG}", "?page=-4"]
)
def test_web_lists_ignore_numbers_past_bigint(alice_client, contact, query):
    response = alice_client.get("/contacts/" + query)
    assert response.status_code == 200
    assert "Müller" in response.content.decode() or "page" in query


def test_patch_with_null_clears_an_optional_text_field(client, alice_token, contact):
    contact.job_title = "Inhaber"
    contact.save()
    response = client.patch(
        f"/api/v1/contacts/{contact.pk}", {"job_title": None, "first_name": None},
        content_type="application/json", headers=bearer(alice_token),
    )  # fmt: skip
    assert response.status_code == 200
    contact.refresh_from_db()
    assert (contact.job_title, contact.first_name) == ("", "")


def test_patch_with_null_on_a_required_field_is_refused_and_changes_nothing(
    client, alice_token, contact
):
    response = client.patch(
        f"/api/v1/contacts/{contact.pk}", {"last_name": None, "job_title": "Chef"},
        content_type="application/json", headers=bearer(alice_token),
    )  # fmt: skip
    assert response.status_code == 422
    assert "last_name" in response.json()["errors"]
    assert Contact.objects.get(pk=contact.pk).last_name == "Müller"
    assert Contact.objects.get(pk=contact.pk).job_title == ""


def test_a_nul_in_a_query_parameter_reads_as_a_space_not_a_500(client, alice_token):
    response = client.get("/api/v1/listening/mentions", {"search": "a\x00b"},
                          headers=bearer(alice_token))  # fmt: skip
    assert response.status_code == 200
    assert response.json()["items"] == []
