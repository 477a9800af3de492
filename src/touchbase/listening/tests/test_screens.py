"""Sources and mentions in the browser's pages and the API, and who may do what."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from touchbase.core.choices import Role
from touchbase.core.services import api_token_create, member_add
from touchbase.listening.models import IngestJob, Mention, Source
from touchbase.listening.tests.factories import mention_make, source_make
from touchbase.relationships.services import contact_save
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db

EXPORT = (
    "Reviewer Name;Star Rating;Comment;Create Time\n"
    "Maria K.;2;Der Deckel der Aurora klemmt.;05.03.2024\n"
    "Jonas;5;Sehr zufrieden, schnelle Lieferung;06.03.2024\n"
    "kaputte;Zeile;mit;zu;vielen;Zellen\n"
).encode("cp1252")


def drain() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


@pytest.fixture
def staff_client(workspace, bob):
    client = Client()
    client.force_login(bob)
    return client


def test_a_leader_adds_a_webhook_source_and_sees_its_secret_once(alice_client, workspace):
    response = alice_client.post(
        "/listening/sources/new/",
        {"name": "Shop-Bewertungen", "kind": "webhook", "channel": "Shop", "poll_minutes": 60},
    )
    source = Source.objects.get(workspace=workspace)
    assert response.status_code == 302
    page = alice_client.get(response["Location"]).content.decode()
    assert source.webhook_secret in page
    assert f"/hooks/mentions/{source.token}/" in page
    again = alice_client.get(response["Location"]).content.decode()
    assert source.webhook_secret not in again


def test_a_source_needs_a_unique_name_and_a_feed_its_url(alice_client, workspace):
    source_make(workspace, "Google")
    taken = alice_client.post(
        "/listening/sources/new/", {"name": "google ", "kind": "upload", "poll_minutes": 60}
    )
    feed = alice_client.post(
        "/listening/sources/new/", {"name": "Blog", "kind": "feed", "poll_minutes": 60}
    )
    assert "A source with this name exists already." in taken.content.decode()
    assert "Enter the feed&#x27;s address" in feed.content.decode()
    assert Source.objects.filter(workspace=workspace).count() == 1


def test_staff_see_sources_but_do_not_change_them(staff_client, workspace):
    source = source_make(workspace, "Google")
    assert staff_client.get("/listening/sources/").status_code == 200
    assert staff_client.get(f"/listening/sources/{source.pk}/").status_code == 200
    assert staff_client.get("/listening/sources/new/").status_code == 403
    assert staff_client.post(f"/listening/sources/{source.pk}/upload/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_checked_first_then_stored_with_its_broken_line_named(alice_client, workspace):
    source = source_make(workspace, "Google", channel="Google")
    upload = io.BytesIO(EXPORT)
    upload.name = "google-reviews.csv"
    response = alice_client.post(f"/listening/sources/{source.pk}/upload/", {"file": upload})
    job = IngestJob.objects.get(source=source)
    assert response["Location"] == f"/listening/files/{job.pk}/"
    drain()
    checked = alice_client.get(f"/listening/files/{job.pk}/").content.decode()
    assert "2 new mentions would be stored" in checked
    assert "Line 4" in checked
    assert not Mention.objects.exists()
    alice_client.post(f"/listening/files/{job.pk}/store/")
    drain()
    job.refresh_from_db()
    assert (job.status, job.stored, job.error_count, job.content) == ("done", 2, 1, b"")
    done = alice_client.get(f"/listening/files/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "2 new mentions stored" in done
    assert 'hx-trigger="every 1s"' not in done
    assert set(Mention.objects.values_list("author", flat=True)) == {"Maria K.", "Jonas"}


def test_a_file_without_any_readable_column_fails_with_the_columns_it_found(
    alice_client, workspace
):
    from touchbase.listening.jobs import ingest_job_check, ingest_job_create

    source = source_make(workspace, "Google")
    job = ingest_job_create(
        source=source, by=None, filename="x.csv", data=b"Kundennummer;Umsatz\n1;2\n"
    )
    job = ingest_job_check(job=job)
    assert job.status == "failed"
    assert "Kundennummer, Umsatz" in job.note


def test_a_mention_entered_by_hand_is_listed_and_shown(alice_client, workspace):
    source = source_make(workspace, "Telefon")
    response = alice_client.post(
        "/listening/mentions/new/",
        {
            "source": source.pk,
            "text": "Frau Lang rief an: die Aurora ist zu laut.",
            "stars": "2",
            "author": "Frau Lang",
        },
    )
    mention = Mention.objects.get(workspace=workspace)
    assert response["Location"] == f"/listening/mentions/{mention.pk}/"
    listing = alice_client.get("/listening/?q=laut").content.decode()
    assert "Frau Lang" in listing
    assert "not read yet" in listing
    assert "Frau Lang" not in alice_client.get("/listening/?q=leise").content.decode()
    detail = alice_client.get(f"/listening/mentions/{mention.pk}/").content.decode()
    assert "die Aurora ist zu laut" in detail


def test_a_mention_needs_text_or_stars(alice_client, workspace):
    source = source_make(workspace, "Telefon")
    response = alice_client.post("/listening/mentions/new/", {"source": source.pk, "text": ""})
    assert "Enter the text or the stars." in response.content.decode()
    assert not Mention.objects.exists()


def test_the_list_pages_by_cursor_newest_first(alice_client, workspace):
    source = source_make(workspace, "Google")
    import datetime as dt

    from django.utils import timezone

    base = timezone.now() - dt.timedelta(days=10)
    for number in range(55):
        mention_make(
            source,
            f"Meinung Nummer {number:02d} über die Lieferung",
            published_at=base + dt.timedelta(hours=number),
        )
    first = alice_client.get("/listening/").content.decode()
    assert "Nummer 54" in first
    assert "Nummer 04" not in first
    cursor = first.split("before=")[1].split('"')[0].replace("&amp;", "&")
    second = alice_client.get(f"/listening/?before={cursor}").content.decode()
    assert "Nummer 04" in second
    assert "Nummer 05" not in second
    assert "Nummer 54" not in second


def test_linking_an_author_puts_the_mention_on_the_customers_timeline(alice_client, workspace):
    source = source_make(workspace, "Twitter")
    contact = contact_save(workspace=workspace, fields={"last_name": "Lang", "first_name": "Ina"})
    mention = mention_make(
        source,
        "@pollux die Aurora klemmt schon wieder",
        sentiment="negative",
        author_handle="ina_l",
    )
    alice_client.post(f"/listening/mentions/{mention.pk}/customer/", {"contact": contact.pk})
    mention.refresh_from_db()
    assert mention.contact == contact
    assert mention.touchpoint.source_kind == "mention"
    timeline = alice_client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Wrote a review or mention" in timeline
    assert "die Aurora klemmt schon wieder" in timeline


# --- API ------------------------------------------------------------------------------------


@pytest.fixture
def api(alice_token):
    client = Client()
    return client, bearer(alice_token)


def test_api_creates_a_webhook_source_and_answers_its_secret_once(api, workspace):
    client, auth = api
    created = client.post(
        "/api/v1/listening/sources",
        json.dumps({"name": "Shop", "kind": "webhook"}),
        content_type="application/json",
        headers=auth,
    )
    assert created.status_code == 201
    body = created.json()
    source = Source.objects.get(pk=body["id"])
    assert body["webhook_secret"] == source.webhook_secret
    assert body["webhook_path"] == f"/hooks/mentions/{source.token}/"
    fetched = client.get(f"/api/v1/listening/sources/{source.pk}", headers=auth).json()
    assert "webhook_secret" not in fetched


def test_api_field_errors_are_422(api, workspace):
    client, auth = api
    source_make(workspace, "Google")
    duplicate = client.post(
        "/api/v1/listening/sources",
        json.dumps({"name": "GOOGLE", "kind": "upload"}),
        content_type="application/json",
        headers=auth,
    )
    no_text = client.post(
        "/api/v1/listening/mentions",
        json.dumps({"source_id": Source.objects.get().pk}),
        content_type="application/json",
        headers=auth,
    )
    assert duplicate.status_code == 422
    assert "name" in json.dumps(duplicate.json())
    assert no_text.status_code == 422
    assert "text" in json.dumps(no_text.json())


def test_api_lists_mentions_with_filters_and_a_cursor(api, workspace):
    client, auth = api
    source = source_make(workspace, "Google")
    mention_make(source, "Der Deckel klemmt leider", sentiment="negative")
    mention_make(source, "Großartiger Service, danke!", sentiment="positive")
    negative = client.get("/api/v1/listening/mentions?sentiment=negative", headers=auth).json()
    assert [item["text"] for item in negative["items"]] == ["Der Deckel klemmt leider"]
    page = client.get("/api/v1/listening/mentions?limit=1", headers=auth).json()
    assert len(page["items"]) == 1
    assert page["next_before"]
    rest = client.get(
        "/api/v1/listening/mentions", {"limit": 1, "before": page["next_before"]}, headers=auth
    ).json()
    assert rest["items"][0]["id"] != page["items"][0]["id"]


@pytest.mark.django_db(transaction=True)
def test_api_upload_check_and_store(api, workspace):
    client, auth = api
    source = source_make(workspace, "Google")
    upload = io.BytesIO(EXPORT)
    upload.name = "export.csv"
    accepted = client.post(
        f"/api/v1/listening/sources/{source.pk}/files", {"file": upload}, headers=auth
    )
    assert accepted.status_code == 202
    job_id = accepted.json()["id"]
    drain()
    checked = client.get(f"/api/v1/listening/files/{job_id}", headers=auth).json()
    assert (checked["status"], checked["report"]["new"], checked["error_count"]) == (
        "checked",
        2,
        1,
    )
    stored = client.post(f"/api/v1/listening/files/{job_id}/store", headers=auth)
    assert stored.status_code == 202
    drain()
    assert client.get(f"/api/v1/listening/files/{job_id}", headers=auth).json()["stored"] == 2
    again = client.post(f"/api/v1/listening/files/{job_id}/store", headers=auth)
    assert again.status_code == 422


def test_a_member_without_listening_sees_none_of_it(workspace):
    helper = member_add(
        workspace=workspace, username="hilde", password="pw-123456789", role=Role.HELPER
    )
    client = Client()
    client.force_login(helper.user)
    token = api_token_create(membership=helper, name="t")[1]
    assert client.get("/listening/").status_code == 403
    assert client.get("/api/v1/listening/mentions", headers=bearer(token)).status_code == 403
