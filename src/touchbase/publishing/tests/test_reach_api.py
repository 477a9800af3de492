"""The API of company data, signatures, banners, partners and presences: values round-trip,
wrong input is a field error (never a 500), and who may change what."""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zlib

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from touchbase.core.models import Membership
from touchbase.core.services import api_token_create
from touchbase.publishing import banners, reach_services, signatures
from touchbase.publishing.models_reach import (
    Banner,
    CompanyProfile,
    Partner,
    Presence,
    PresenceCheck,
    SignatureProfile,
)
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db

API = "/api/v1/publishing"


@pytest.fixture
def bob_token(bob_membership) -> str:
    return api_token_create(membership=bob_membership, name="tests")[1]


def send(client, method, url, body, token):
    return getattr(client, method)(url, body, content_type="application/json",
                                   headers=bearer(token))  # fmt: skip


def get(client, url, token, **query):
    return client.get(url, query, headers=bearer(token))


def upload(client, method, url, data, token):
    """A multipart request; the test client encodes files given as data values."""
    if method == "post":
        return client.post(url, data, headers=bearer(token))
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    body = encode_multipart(BOUNDARY, data)
    return getattr(client, method)(url, body, content_type=MULTIPART_CONTENT,
                                   headers=bearer(token))  # fmt: skip


def field_errors(response) -> list[str]:
    """The fields a 422 names, in order."""
    assert response.status_code == 422, response.content
    return [item["loc"][-1] for item in response.json()["detail"]]


def png(size=(600, 120), colour=(10, 90, 200), name="banner.png") -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def noise_png(size=(600, 400)) -> io.BytesIO:
    """A PNG that does not compress: well over 500 kB."""
    picture = Image.frombytes("RGB", size, random.Random(4).randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "noise.png"
    return buffer


def bomb_png() -> io.BytesIO:
    """65 bytes that claim 20,000 × 20,000 pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b""))
    buffer = io.BytesIO(data + chunk(b"IEND", b""))
    buffer.name = "bomb.png"
    return buffer


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def today() -> dt.date:
    return timezone.localdate()


# --- company data ------------------------------------------------------------------------------

COMPANY = {
    "legal_name": "Pollux GmbH", "legal_form": "de_gmbh", "street": "Leopoldstraße 1",
    "postal_code": "80802", "city": "München", "seat": "München",
    "register_court": "Amtsgericht München", "register_number": "HRB 123456",
    "managing_directors": "Anna Berger\nJonas Weber", "supervisory_chair": "",
    "vat_id": "DE123456789", "phone": "089 99998210", "email": "info@pollux.example",
    "website": "https://pollux.example",
    "social_links": [{"network": "LinkedIn", "url": "https://linkedin.com/company/pollux"}],
    "closing": "Wir sind für Sie da.",
}  # fmt: skip


def test_company_data_round_trips_with_the_phone_in_e164(client, workspace, alice_token):
    # when
    response = send(client, "put", f"{API}/company", COMPANY, alice_token)
    # then
    assert response.status_code == 200, response.content
    expected = {**COMPANY, "phone": "+498999998210"}
    assert {k: v for k, v in response.json().items() if k != "updated_at"} == expected
    again = get(client, f"{API}/company", alice_token).json()
    assert {k: v for k, v in again.items() if k != "updated_at"} == expected
    stored = CompanyProfile.objects.get(workspace=workspace)
    assert (stored.phone, stored.directors) == ("+498999998210", ["Anna Berger", "Jonas Weber"])


def test_a_field_left_out_of_the_company_put_is_emptied(client, workspace, alice_token):
    send(client, "put", f"{API}/company", COMPANY, alice_token)
    response = send(client, "put", f"{API}/company", {"legal_name": "Pollux AG"}, alice_token)
    assert response.status_code == 200
    body = response.json()
    assert (body["legal_name"], body["legal_form"], body["phone"], body["social_links"]) == (
        "Pollux AG", "other", "", [],
    )  # fmt: skip


def test_a_bad_company_phone_and_link_are_field_errors_and_change_nothing(
    client, workspace, alice_token
):
    send(client, "put", f"{API}/company", COMPANY, alice_token)
    bad = {**COMPANY, "phone": "12", "legal_name": "Geändert",
           "social_links": [{"network": "X", "url": "javascript:alert(1)"}]}  # fmt: skip
    response = send(client, "put", f"{API}/company", bad, alice_token)
    assert sorted(field_errors(response)) == ["phone", "social_links"]
    stored = CompanyProfile.objects.get(workspace=workspace)
    assert (stored.legal_name, stored.phone) == ("Pollux GmbH", "+498999998210")


def test_a_bad_company_email_or_website_names_its_field(client, workspace, alice_token):
    response = send(client, "put", f"{API}/company",
                    {**COMPANY, "email": "nope", "website": "pollux"}, alice_token)  # fmt: skip
    assert sorted(field_errors(response)) == ["email", "website"]


def test_too_many_social_links_are_refused(client, workspace, alice_token):
    links = [{"network": f"N{i}", "url": f"https://n{i}.example"} for i in range(11)]
    response = send(client, "put", f"{API}/company", {**COMPANY, "social_links": links},
                    alice_token)  # fmt: skip
    assert "social_links" in field_errors(response)


def test_staff_read_the_company_data_but_cannot_change_it(client, workspace, bob_token):
    assert get(client, f"{API}/company", bob_token).json()["legal_name"] == "Pollux GmbH"
    response = send(client, "put", f"{API}/company", COMPANY, bob_token)
    assert response.status_code == 403
    assert CompanyProfile.objects.get(workspace=workspace).phone == ""


# --- signatures --------------------------------------------------------------------------------

SIGNATURE = {"name": "Bob Bauer", "job_title": "Kundenservice", "phone": "089 1234567",
             "mobile": "0171 2345678", "email": "bob@pollux.example", "language": "en",
             "with_banner": False}  # fmt: skip


def half_registered(workspace) -> None:
    """A GmbH whose register number and managing directors are missing."""
    company = signatures.company_profile(workspace=workspace)
    signatures.company_profile_save(profile=company, changes={
        "legal_form": "de_gmbh", "seat": "München", "register_court": "Amtsgericht München",
    })  # fmt: skip


def test_the_signature_list_has_every_member_with_their_problems(
    client, workspace, alice, bob, alice_token
):
    half_registered(workspace)
    response = get(client, f"{API}/signatures", alice_token)
    assert response.status_code == 200
    body = response.json()
    assert body["next_offset"] is None
    profiles = {p.user_id: p for p in SignatureProfile.objects.filter(workspace=workspace)}
    assert [item["user_id"] for item in body["items"]] == [alice.pk, bob.pk]
    first = body["items"][0]
    assert {k: v for k, v in first.items() if k != "findings"} == {
        "user_id": alice.pk, "name": "Alice Adler", "job_title": "", "phone": "", "mobile": "",
        "email": "alice@pollux.example", "language": "en", "with_banner": True,
        "has_photo": False, "install_sent_at": None,
    }  # fmt: skip
    assert first["findings"] == len(reach_services.signature_findings(profiles[alice.pk]))
    assert first["findings"] == 2  # the register number and the managing directors


def test_the_signature_list_is_paged(client, workspace, alice, bob, alice_token):
    first = get(client, f"{API}/signatures", alice_token, limit=1).json()
    assert ([i["user_id"] for i in first["items"]], first["next_offset"]) == ([alice.pk], 1)
    second = get(client, f"{API}/signatures", alice_token, limit=1, offset=1).json()
    assert ([i["user_id"] for i in second["items"]], second["next_offset"]) == ([bob.pk], None)


def test_a_member_changes_their_own_signature_with_phones_in_e164(client, bob, bob_token):
    response = send(client, "put", f"{API}/signatures/{bob.pk}", SIGNATURE, bob_token)
    assert response.status_code == 200, response.content
    expected = {**SIGNATURE, "user_id": bob.pk, "phone": "+49891234567",
                "mobile": "+491712345678", "has_photo": False, "install_sent_at": None}  # fmt: skip
    body = response.json()
    assert {k: v for k, v in body.items() if k != "findings"} == expected
    again = get(client, f"{API}/signatures/{bob.pk}", bob_token).json()
    assert {k: v for k, v in again.items() if k != "findings"} == expected
    assert SignatureProfile.objects.get(user=bob).mobile == "+491712345678"


def test_a_staff_member_changing_a_colleagues_signature_is_refused(
    client, workspace, alice, bob_token
):
    response = send(client, "put", f"{API}/signatures/{alice.pk}", SIGNATURE, bob_token)
    assert response.status_code == 403
    stored = SignatureProfile.objects.get(user=alice)
    assert (stored.name, stored.phone, stored.language) == ("Alice Adler", "", "en")


def test_an_owner_may_change_a_colleagues_signature(client, bob, alice_token):
    response = send(client, "put", f"{API}/signatures/{bob.pk}", SIGNATURE, alice_token)
    assert response.status_code == 200
    assert SignatureProfile.objects.get(user=bob).job_title == "Kundenservice"


def test_the_signature_of_someone_not_a_member_is_not_found(client, workspace, carol, alice_token):
    assert get(client, f"{API}/signatures/{carol.pk}", alice_token).status_code == 404
    response = send(client, "put", f"{API}/signatures/{carol.pk}", SIGNATURE, alice_token)
    assert response.status_code == 404
    assert not SignatureProfile.objects.filter(workspace=workspace, user=carol).exists()


def test_bad_phones_and_email_in_a_signature_are_field_errors(client, bob, bob_token):
    bad = {**SIGNATURE, "phone": "12", "mobile": "hello"}
    response = send(client, "put", f"{API}/signatures/{bob.pk}", bad, bob_token)
    assert field_errors(response) == ["phone", "mobile"]
    response = send(client, "put", f"{API}/signatures/{bob.pk}",
                    {**SIGNATURE, "email": "bob at pollux"}, bob_token)  # fmt: skip
    assert field_errors(response) == ["email"]
    response = send(client, "put", f"{API}/signatures/{bob.pk}",
                    {**SIGNATURE, "language": "fr"}, bob_token)  # fmt: skip
    assert field_errors(response) == ["language"]
    assert SignatureProfile.objects.get(user=bob).phone == ""


def test_the_rendered_signature_is_its_html_and_text_with_the_lint(
    client, workspace, bob, bob_token
):
    half_registered(workspace)
    send(client, "put", f"{API}/signatures/{bob.pk}", SIGNATURE, bob_token)
    # when
    response = get(client, f"{API}/signatures/{bob.pk}/rendered", bob_token)
    # then
    assert response.status_code == 200
    body = response.json()
    profile = SignatureProfile.objects.get(user=bob)
    assert body["html"] == str(signatures.signature_html(profile))
    assert body["text"] == signatures.signature_text(profile)
    assert "+49 89 1234567" in body["html"]
    assert "Kundenservice" in body["text"]
    expected = reach_services.signature_findings(profile)
    assert [(f["code"], f["detail"]) for f in body["findings"]] == [
        (f.code, f.detail) for f in expected
    ]
    # a GmbH without its register details must not send business mail like this
    assert [(f["code"], f["detail"]) for f in body["findings"]] == [
        ("legal_missing", "register_number"), ("legal_missing", "managing_directors"),
    ]  # fmt: skip


def test_complete_legal_details_take_their_findings_away(client, workspace, bob, alice_token):
    send(client, "put", f"{API}/company", COMPANY, alice_token)
    body = get(client, f"{API}/signatures/{bob.pk}/rendered", alice_token).json()
    assert [f for f in body["findings"] if f["code"] == "legal_missing"] == []
    assert "Amtsgericht München HRB 123456" in body["html"]


def test_the_template_lint_follows_the_language_asked_for(client, workspace, alice_token):
    half_registered(workspace)
    english = get(client, f"{API}/signature-template", alice_token, language="en").json()
    german = get(client, f"{API}/signature-template", alice_token, language="de").json()
    assert "Sample Person" in english["text"]
    for language, body in (("en", english), ("de", german)):
        sample = reach_services.template_profile(workspace, language)
        assert body["html"] == str(signatures.signature_html(sample))
        expected = reach_services.template_findings(workspace, language)
        assert [(f["code"], f["detail"]) for f in body["findings"]] == [
            (f.code, f.detail) for f in expected
        ]
        assert len(expected) == 2
    response = get(client, f"{API}/signature-template", alice_token, language="fr")
    assert field_errors(response) == ["language"]


def test_a_pasted_signature_is_linted_and_an_empty_or_huge_one_is_refused(
    client, workspace, alice_token
):
    send(client, "put", f"{API}/company", COMPANY, alice_token)
    text = (
        "Bob Bauer\nPollux GmbH\n\nDiese E-Mail enthält vertrauliche und/oder rechtlich "
        "geschützte Informationen. Wenn Sie nicht der richtige Adressat sind oder diese E-Mail "
        "irrtümlich erhalten haben, informieren Sie bitte sofort den Absender und vernichten "
        "Sie diese Mail."
    )
    response = send(client, "post", f"{API}/signature-lint", {"text": text}, alice_token)
    assert response.status_code == 200
    codes = [item["code"] for item in response.json()]
    assert codes[0] == "disclaimer"
    assert "legal_missing" in codes
    assert field_errors(send(client, "post", f"{API}/signature-lint",
                             {"text": "  ", "html": ""}, alice_token)) == ["text"]  # fmt: skip
    huge = send(client, "post", f"{API}/signature-lint", {"html": "x" * 50_001}, alice_token)
    assert field_errors(huge) == ["html"]


def test_a_photo_is_uploaded_refused_when_no_image_and_removed(client, bob, bob_token):
    url = f"{API}/signatures/{bob.pk}/photo"
    response = upload(client, "put", url, {"photo": png((80, 80))}, bob_token)
    assert response.status_code == 200, response.content
    assert response.json()["has_photo"] is True
    stored = SignatureProfile.objects.get(user=bob).photo.name
    text = io.BytesIO(b"not an image")
    text.name = "photo.png"
    assert field_errors(upload(client, "put", url, {"photo": text}, bob_token)) == ["photo"]
    assert field_errors(upload(client, "put", url, {}, bob_token)) == ["photo"]
    assert SignatureProfile.objects.get(user=bob).photo.name == stored
    response = client.delete(url, headers=bearer(bob_token))
    assert response.json()["has_photo"] is False
    assert SignatureProfile.objects.get(user=bob).photo.name == ""


def test_a_staff_member_cannot_upload_a_colleagues_photo(client, alice, bob_token):
    response = upload(client, "put", f"{API}/signatures/{alice.pk}/photo",
                      {"photo": png((80, 80))}, bob_token)  # fmt: skip
    assert response.status_code == 403
    assert SignatureProfile.objects.get(user=alice).photo.name == ""


@pytest.mark.django_db(transaction=True)
def test_the_install_mail_goes_to_the_member_with_their_link(smtp, client, bob, bob_token):
    # when
    response = client.post(f"{API}/signatures/{bob.pk}/install-mail", headers=bearer(bob_token))
    run_worker()
    # then
    assert response.status_code == 202
    assert response.json()["install_sent_at"] is not None
    assert [m["To"] for m in smtp.messages] == ["bob@pollux.example"]
    body = smtp.messages[0].get_body(("plain",)).get_content()
    assert "/sig/install/" in body
    link = next(word for word in body.split() if "/sig/install/" in word)
    assert client.get("/" + link.split("/", 3)[3]).status_code == 200


def test_a_staff_member_cannot_send_a_colleague_the_install_mail(client, alice, bob_token):
    response = client.post(f"{API}/signatures/{alice.pk}/install-mail", headers=bearer(bob_token))
    assert response.status_code == 403
    assert SignatureProfile.objects.filter(user=alice, install_sent_at__isnull=False).count() == 0
    assert DBTaskResult.objects.count() == 0


# --- banners -----------------------------------------------------------------------------------


def banner_form(**fields) -> dict:
    return {"name": "Frühling", "alt_text": "Frühlingsaktion", "link_url": "https://pollux.example/a",
            "starts_on": today().isoformat(), **fields}  # fmt: skip


def banner_made(client, token, **fields) -> dict:
    image = fields.pop("image", None) or png()
    response = client.post(f"{API}/banners", {**banner_form(**fields), "image": image},
                           headers=bearer(token))  # fmt: skip
    assert response.status_code == 201, response.content
    return response.json()


def test_a_banner_is_created_from_a_png_and_its_image_read_back(client, workspace, alice_token):
    sent = png((600, 150)).getvalue()
    ends = (today() + dt.timedelta(days=9)).isoformat()
    body = banner_made(client, alice_token, image=png((600, 150)), weight="3", language="de",
                       for_partners="true", ends_on=ends)  # fmt: skip
    banner = Banner.objects.get(workspace=workspace)
    assert {k: v for k, v in body.items() if k not in ("created_at", "image_url")} == {
        "id": banner.pk, "name": "Frühling", "alt_text": "Frühlingsaktion",
        "link_url": "https://pollux.example/a", "starts_on": today().isoformat(),
        "ends_on": (today() + dt.timedelta(days=9)).isoformat(), "weight": 3, "target": "email",
        "language": "de", "for_partners": True, "width": 600, "height": 150, "state": "live",
    }  # fmt: skip
    image = client.get(body["image_url"], headers=bearer(alice_token))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content) == sent
    assert get(client, f"{API}/banners/{banner.pk}", alice_token).json() == body


def test_an_upload_that_is_no_fitting_image_is_a_field_error_and_saves_nothing(
    client, workspace, alice_token
):
    text = io.BytesIO(b"GIF89a but not really")
    text.name = "banner.gif"
    too_wide = png((2001, 100))
    for image in (text, too_wide, noise_png(), bomb_png()):
        response = client.post(f"{API}/banners", {**banner_form(), "image": image},
                               headers=bearer(alice_token))  # fmt: skip
        assert field_errors(response) == ["image"], image.name
    missing = client.post(f"{API}/banners", banner_form(), headers=bearer(alice_token))
    assert field_errors(missing) == ["image"]
    assert Banner.objects.count() == 0


def test_bad_banner_fields_are_field_errors(client, workspace, alice_token):
    cases = [
        ({"link_url": "javascript:alert(1)"}, ["link_url"]),
        ({"weight": "101"}, ["weight"]),
        ({"target": "print"}, ["target"]),
        ({"ends_on": (today() - dt.timedelta(days=1)).isoformat()}, ["ends_on"]),
        ({"starts_on": "gestern"}, ["starts_on"]),
    ]
    for fields, named in cases:
        response = client.post(f"{API}/banners", {**banner_form(**fields), "image": png()},
                               headers=bearer(alice_token))  # fmt: skip
        assert field_errors(response) == named, fields
    assert Banner.objects.count() == 0


def test_the_banner_list_tells_planned_live_and_ended_apart(client, workspace, alice_token):
    day = dt.timedelta(days=1)
    banner_made(client, alice_token, name="Später", starts_on=(today() + day).isoformat())
    banner_made(client, alice_token, name="Jetzt")
    banner_made(client, alice_token, name="Vorbei", starts_on=(today() - 9 * day).isoformat(),
                ends_on=(today() - day).isoformat(), target="website")  # fmt: skip
    body = get(client, f"{API}/banners", alice_token).json()
    assert [(b["name"], b["state"]) for b in body["items"]] == [
        ("Später", "planned"), ("Jetzt", "live"), ("Vorbei", "ended"),
    ]  # fmt: skip
    websites = get(client, f"{API}/banners", alice_token, target="website").json()
    assert [b["name"] for b in websites["items"]] == ["Vorbei"]
    paged = get(client, f"{API}/banners", alice_token, limit=2).json()
    assert (len(paged["items"]), paged["next_offset"]) == (2, 2)


def test_patch_changes_a_banners_fields_and_refuses_an_end_before_its_start(
    client, workspace, alice_token
):
    made = banner_made(client, alice_token, ends_on=(today() + dt.timedelta(days=5)).isoformat())
    url = f"{API}/banners/{made['id']}"
    # a refused change changes nothing
    before = (today() - dt.timedelta(days=1)).isoformat()
    assert field_errors(send(client, "patch", url, {"ends_on": before}, alice_token)) == ["ends_on"]
    assert field_errors(send(client, "patch", url, {"name": None}, alice_token)) == ["name"]
    assert field_errors(send(client, "patch", url, {"weight": 0}, alice_token)) == ["weight"]
    assert Banner.objects.get(pk=made["id"]).name == "Frühling"
    # a good one
    response = send(client, "patch", url, {"name": "Sommer", "ends_on": None, "weight": 7},
                    alice_token)  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["ends_on"], body["weight"], body["alt_text"]) == (
        "Sommer", None, 7, "Frühlingsaktion",
    )  # fmt: skip
    stored = Banner.objects.get(pk=made["id"])
    assert (stored.name, stored.ends_on, stored.weight) == ("Sommer", None, 7)


def test_put_image_replaces_the_image_and_its_size(client, workspace, alice_token):
    made = banner_made(client, alice_token)
    url = f"{API}/banners/{made['id']}/image"
    response = upload(client, "put", url, {"image": png((468, 60))}, alice_token)
    assert response.status_code == 200, response.content
    assert (response.json()["width"], response.json()["height"]) == (468, 60)
    text = io.BytesIO(b"no image")
    text.name = "x.png"
    assert field_errors(upload(client, "put", url, {"image": text}, alice_token)) == ["image"]
    assert field_errors(upload(client, "put", url, {}, alice_token)) == ["image"]
    stored = Banner.objects.get(pk=made["id"])
    assert (stored.width, stored.height) == (468, 60)
    with Image.open(stored.image) as picture:
        assert picture.size == (468, 60)


def test_a_banner_is_deleted(client, workspace, alice_token):
    made = banner_made(client, alice_token)
    response = client.delete(f"{API}/banners/{made['id']}", headers=bearer(alice_token))
    assert response.status_code == 204
    assert not Banner.objects.filter(pk=made["id"]).exists()
    assert get(client, f"{API}/banners/{made['id']}", alice_token).status_code == 404


def test_staff_see_banners_but_cannot_change_them(client, workspace, alice_token, bob_token):
    made = banner_made(client, alice_token)
    assert get(client, f"{API}/banners", bob_token).json()["items"][0]["id"] == made["id"]
    assert get(client, made["image_url"], bob_token).status_code == 200
    refused = [
        client.post(f"{API}/banners", {**banner_form(), "image": png()}, headers=bearer(bob_token)),
        send(client, "patch", f"{API}/banners/{made['id']}", {"name": "x"}, bob_token),
        upload(client, "put", f"{API}/banners/{made['id']}/image", {"image": png()}, bob_token),
        client.delete(f"{API}/banners/{made['id']}", headers=bearer(bob_token)),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert list(Banner.objects.values_list("name", flat=True)) == ["Frühling"]


def test_the_stats_count_views_and_clicks_per_banner_and_week(client, workspace, alice_token):
    made = banner_made(client, alice_token)
    now = timezone.now()
    monday = timezone.localdate(now) - dt.timedelta(days=timezone.localdate(now).weekday())
    for _i in range(3):
        banners.banner_count(banner_id=made["id"], workspace_id=workspace.pk, field="views")
    banners.banner_count(banner_id=made["id"], workspace_id=workspace.pk, field="clicks")
    banners.banner_count(banner_id=made["id"], workspace_id=workspace.pk, field="views",
                         now=now - dt.timedelta(weeks=3))  # fmt: skip
    # when
    recent = get(client, f"{API}/banner-stats", alice_token, weeks=1).json()
    longer = get(client, f"{API}/banner-stats", alice_token, weeks=4).json()
    # then
    this_week = {"banner_id": made["id"], "banner_name": "Frühling",
                 "week": monday.isoformat(), "views": 3, "clicks": 1}  # fmt: skip
    assert recent == [this_week]
    earlier = (monday - dt.timedelta(weeks=3)).isoformat()
    assert longer == [{**this_week, "week": earlier, "views": 1, "clicks": 0}, this_week]
    for weeks in (0, 53):
        assert field_errors(get(client, f"{API}/banner-stats", alice_token, weeks=weeks)) == [
            "weeks"
        ]


# --- partners ----------------------------------------------------------------------------------


def test_a_partner_round_trips_and_is_deleted(client, workspace, alice_token):
    response = send(client, "post", f"{API}/partners",
                    {"name": "Rita Roth", "company": "Roth Handel", "email": " Rita@Roth.Example "},
                    alice_token)  # fmt: skip
    assert response.status_code == 201, response.content
    made = response.json()
    assert {k: v for k, v in made.items() if k not in ("id", "created_at")} == {
        "name": "Rita Roth", "company": "Roth Handel", "email": "rita@roth.example",
        "active": True, "last_seen_at": None,
    }  # fmt: skip
    url = f"{API}/partners/{made['id']}"
    assert get(client, url, alice_token).json() == made
    changed = send(client, "patch", url, {"active": False, "company": None}, alice_token).json()
    assert (changed["active"], changed["company"], changed["name"]) == (False, "", "Rita Roth")
    listed = get(client, f"{API}/partners", alice_token).json()
    assert [p["email"] for p in listed["items"]] == ["rita@roth.example"]
    assert client.delete(url, headers=bearer(alice_token)).status_code == 204
    assert not Partner.objects.filter(workspace=workspace).exists()


def test_a_second_partner_with_the_same_email_is_a_field_error(client, workspace, alice_token):
    send(client, "post", f"{API}/partners", {"name": "Rita", "email": "rita@roth.example"},
         alice_token)  # fmt: skip
    other = send(client, "post", f"{API}/partners", {"name": "Udo", "email": "udo@roth.example"},
                 alice_token).json()  # fmt: skip
    again = send(client, "post", f"{API}/partners",
                 {"name": "Rita 2", "email": "RITA@roth.example"}, alice_token)  # fmt: skip
    assert field_errors(again) == ["email"]
    renamed = send(client, "patch", f"{API}/partners/{other['id']}",
                   {"email": "rita@roth.example"}, alice_token)  # fmt: skip
    assert field_errors(renamed) == ["email"]
    invalid = send(client, "post", f"{API}/partners", {"name": "X", "email": "nope"}, alice_token)
    assert field_errors(invalid) == ["email"]
    assert sorted(Partner.objects.values_list("email", flat=True)) == [
        "rita@roth.example", "udo@roth.example",
    ]  # fmt: skip


def test_staff_cannot_add_partners(client, workspace, bob_token):
    response = send(client, "post", f"{API}/partners", {"name": "R", "email": "r@x.example"},
                    bob_token)  # fmt: skip
    assert response.status_code == 403
    assert Partner.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_sign_in_mail_goes_to_the_partner_in_the_language_asked_for(
    smtp, client, workspace, alice_token
):
    partner = reach_services.partner_save(
        workspace=workspace, partner=None, fields={"name": "Rita", "email": "rita@roth.example"}
    )
    # when
    response = send(client, "post", f"{API}/partners/{partner.pk}/sign-in-mail",
                    {"language": "de"}, alice_token)  # fmt: skip
    run_worker()
    # then
    assert response.status_code == 202
    assert [m["To"] for m in smtp.messages] == ["rita@roth.example"]
    assert smtp.messages[0]["Subject"] == "Ihr Anmeldelink für die Partnerseite von Pollux GmbH"
    body = smtp.messages[0].get_body(("plain",)).get_content()
    link = next(word for word in body.split() if "/partners/" in word)
    entered = client.get("/" + link.split("/", 3)[3])
    assert entered.status_code == 302
    assert entered["Location"] == f"/partners/{workspace.slug}/"


def test_an_inactive_partner_gets_no_sign_in_mail(
    client, workspace, alice_token, django_capture_on_commit_callbacks
):
    partner = reach_services.partner_save(
        workspace=workspace, partner=None,
        fields={"name": "Rita", "email": "rita@roth.example", "active": False},
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, "post", f"{API}/partners/{partner.pk}/sign-in-mail", {},
                        alice_token)  # fmt: skip
    assert field_errors(response) == ["active"]
    assert DBTaskResult.objects.count() == 0


# --- presences ---------------------------------------------------------------------------------


def presence_made(client, token, **fields) -> dict:
    body = {"kind": "contact", "name": "Kontaktseite", "url": "https://pollux.example/kontakt",
            **fields}  # fmt: skip
    response = send(client, "post", f"{API}/presences", body, token)
    assert response.status_code == 201, response.content
    return response.json()


def test_a_presence_round_trips_with_its_owner(client, workspace, bob, alice_token):
    made = presence_made(client, alice_token, owner_id=bob.pk, check_every_days=3)
    presence = Presence.objects.get(workspace=workspace)
    assert {k: v for k, v in made.items() if k not in ("created_at", "next_check_at")} == {
        "id": presence.pk, "kind": "contact", "name": "Kontaktseite",
        "url": "https://pollux.example/kontakt", "owner": {"id": bob.pk, "name": "Bob Bauer"},
        "check_every_days": 3, "answer_within_days": 14, "answered_at": None,
        "last_checked_at": None, "last_outcome": None,
    }  # fmt: skip
    assert made["next_check_at"] is not None  # a new address is checked at the next run
    assert get(client, f"{API}/presences/{presence.pk}", alice_token).json() == made
    listed = get(client, f"{API}/presences", alice_token, owner_id=bob.pk).json()
    assert listed == {"items": [made], "next_offset": None}
    assert get(client, f"{API}/presences", alice_token, kind="google").json()["items"] == []


def test_the_owner_must_be_a_member_of_the_workspace(client, workspace, carol, alice_token):
    response = send(client, "post", f"{API}/presences",
                    {"kind": "google", "name": "Google", "url": "https://g.example/p",
                     "owner_id": carol.pk}, alice_token)  # fmt: skip
    assert field_errors(response) == ["owner_id"]
    assert Presence.objects.count() == 0
    made = presence_made(client, alice_token)
    changed = send(client, "patch", f"{API}/presences/{made['id']}", {"owner_id": carol.pk},
                   alice_token)  # fmt: skip
    assert field_errors(changed) == ["owner_id"]
    assert Presence.objects.get(pk=made["id"]).owner is None


def test_a_second_presence_at_the_same_address_and_a_bad_address_are_field_errors(
    client, workspace, alice_token
):
    presence_made(client, alice_token)
    twice = send(client, "post", f"{API}/presences",
                 {"kind": "imprint", "name": "Nochmal", "url": "https://pollux.example/kontakt"},
                 alice_token)  # fmt: skip
    assert field_errors(twice) == ["url"]
    bad = send(client, "post", f"{API}/presences",
               {"kind": "imprint", "name": "Impressum", "url": "pollux impressum"},
               alice_token)  # fmt: skip
    assert field_errors(bad) == ["url"]
    slow = send(client, "post", f"{API}/presences",
                {"kind": "imprint", "name": "I", "url": "https://p.example/i",
                 "check_every_days": 91}, alice_token)  # fmt: skip
    assert field_errors(slow) == ["check_every_days"]
    assert Presence.objects.count() == 1


def test_patch_clears_the_owner_and_a_new_address_is_checked_again(
    client, workspace, alice, alice_token
):
    made = presence_made(client, alice_token, owner_id=alice.pk)
    Presence.objects.filter(pk=made["id"]).update(next_check_at=None)
    url = f"{API}/presences/{made['id']}"
    body = send(client, "patch", url, {"owner_id": None, "name": "Kontakt"}, alice_token).json()
    assert (body["owner"], body["name"], body["next_check_at"]) == (None, "Kontakt", None)
    assert field_errors(send(client, "patch", url, {"kind": None}, alice_token)) == ["kind"]
    moved = send(client, "patch", url, {"url": "https://pollux.example/neu"}, alice_token).json()
    assert moved["url"] == "https://pollux.example/neu"
    assert moved["next_check_at"] is not None


def test_the_check_history_is_newest_first_and_paged(client, workspace, alice_token):
    made = presence_made(client, alice_token)
    presence = Presence.objects.get(pk=made["id"])
    now = timezone.now()
    for days, outcome in ((3, "ok"), (2, "failed"), (1, "differs")):
        PresenceCheck.objects.create(
            workspace=workspace, presence=presence, checked_at=now - dt.timedelta(days=days),
            outcome=outcome, status=200 if outcome != "failed" else None,
            error="timeout" if outcome == "failed" else "", phones=["+498999998210"],
            findings=[{"code": "phone_unknown", "message": "…", "detail": {"phone": "+49"}}]
            if outcome == "differs" else [], changed=outcome != "ok",
        )  # fmt: skip
    url = f"{API}/presences/{made['id']}/checks"
    first = get(client, url, alice_token, limit=2).json()
    assert [c["outcome"] for c in first["items"]] == ["differs", "failed"]
    assert first["next_offset"] == 2
    assert first["items"][0]["findings"] == [
        {"code": "phone_unknown", "message": "…", "detail": {"phone": "+49"}}
    ]
    assert (first["items"][1]["status"], first["items"][1]["error"]) == (None, "timeout")
    rest = get(client, url, alice_token, limit=2, offset=2).json()
    assert ([c["outcome"] for c in rest["items"]], rest["next_offset"]) == (["ok"], None)
    assert field_errors(get(client, url, alice_token, limit=201)) == ["limit"]


def test_the_owner_confirms_answers_and_a_colleague_may_not(
    client, workspace, alice, bob, alice_token, bob_token
):
    bobs = presence_made(client, alice_token, owner_id=bob.pk)
    alices = presence_made(client, alice_token, owner_id=alice.pk,
                           url="https://g.example/pollux", kind="google")  # fmt: skip
    # when
    own = client.post(f"{API}/presences/{bobs['id']}/answered", headers=bearer(bob_token))
    other = client.post(f"{API}/presences/{alices['id']}/answered", headers=bearer(bob_token))
    # then
    assert own.status_code == 200
    assert own.json()["answered_at"] is not None
    assert other.status_code == 403
    assert Presence.objects.get(pk=alices["id"]).answered_at is None
    managed = client.post(f"{API}/presences/{bobs['id']}/answered", headers=bearer(alice_token))
    assert managed.status_code == 200


def test_staff_cannot_register_change_or_delete_presences(client, workspace, bob, bob_token,
                                                          alice_token):  # fmt: skip
    made = presence_made(client, alice_token, owner_id=bob.pk)
    refused = [
        send(client, "post", f"{API}/presences",
             {"kind": "google", "name": "G", "url": "https://g.example"}, bob_token),
        send(client, "patch", f"{API}/presences/{made['id']}", {"name": "x"}, bob_token),
        client.delete(f"{API}/presences/{made['id']}", headers=bearer(bob_token)),
    ]  # fmt: skip
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert list(Presence.objects.values_list("name", flat=True)) == ["Kontaktseite"]


def test_a_presence_is_deleted_with_its_checks(client, workspace, alice_token):
    made = presence_made(client, alice_token)
    PresenceCheck.objects.create(workspace=workspace, presence_id=made["id"],
                                 checked_at=timezone.now(), outcome="ok")  # fmt: skip
    response = client.delete(f"{API}/presences/{made['id']}", headers=bearer(alice_token))
    assert response.status_code == 204
    assert (Presence.objects.count(), PresenceCheck.objects.count()) == (0, 0)


# --- another workspace -------------------------------------------------------------------------


def test_another_workspaces_member_finds_none_of_these_rows(
    client, workspace, alice, bob, alice_token, carol_token
):
    banner = banner_made(client, alice_token)
    presence = presence_made(client, alice_token)
    partner = send(client, "post", f"{API}/partners", {"name": "R", "email": "r@x.example"},
                   alice_token).json()  # fmt: skip
    urls = [f"{API}/banners/{banner['id']}", f"{API}/banners/{banner['id']}/image",
            f"{API}/presences/{presence['id']}", f"{API}/presences/{presence['id']}/checks",
            f"{API}/partners/{partner['id']}", f"{API}/signatures/{bob.pk}",
            f"{API}/signatures/{alice.pk}/rendered"]  # fmt: skip
    assert [get(client, url, carol_token).status_code for url in urls] == [404] * len(urls)
    for listing in ("banners", "presences", "partners"):
        assert get(client, f"{API}/{listing}", carol_token).json()["items"] == []
    signed = get(client, f"{API}/signatures", carol_token).json()["items"]
    assert [s["user_id"] for s in signed] == [
        Membership.objects.get(workspace__slug="castor-test").user_id
    ]


def test_check_now_makes_the_presence_due_for_the_worker(client, workspace, alice_token):
    made = presence_made(client, alice_token)
    later = timezone.now() + dt.timedelta(days=5)
    Presence.objects.filter(pk=made["id"]).update(next_check_at=later)
    response = client.post(f"{API}/presences/{made['id']}/check", headers=bearer(alice_token))
    assert response.status_code == 200
    assert Presence.objects.get(pk=made["id"]).next_check_at <= timezone.now()
