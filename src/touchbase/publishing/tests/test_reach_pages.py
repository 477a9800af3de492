"""The staff pages for company data, signatures, banners and partners, and the partner page."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from touchbase.publishing import banners, signatures
from touchbase.publishing.models_reach import Banner, Partner, SignatureProfile


def png(width: int = 600, height: int = 100, name: str = "banner.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def work() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.get_body(("plain",)).get_content()).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


COMPANY = {
    "legal_name": "Pollux Haushaltsgeräte GmbH", "legal_form": "de_gmbh",
    "street": "Sendlinger Str. 1", "postal_code": "80331", "city": "München",
    "seat": "München", "register_court": "Amtsgericht München", "register_number": "HRB 123456",
    "managing_directors": "Alice Adler\nBernd Berg", "supervisory_chair": "", "vat_id": "",
    "phone": "089 1234567", "email": "info@pollux.example", "website": "https://pollux.example",
    "closing": "", "social": "LinkedIn https://www.linkedin.com/company/pollux",
}  # fmt: skip


@pytest.fixture
def company(alice_client, workspace):
    response = alice_client.post("/publishing/company/", COMPANY)
    assert response.status_code == 302
    return signatures.company_profile(workspace=workspace)


# --- company data -------------------------------------------------------------------------------


def test_company_data_is_saved_with_the_phone_in_international_format(company):
    assert company.phone == "+49891234567"
    assert company.directors == ["Alice Adler", "Bernd Berg"]
    assert company.social_links == [
        {"network": "LinkedIn", "url": "https://www.linkedin.com/company/pollux"}
    ]


def test_a_wrong_phone_and_a_bad_link_are_field_errors_and_nothing_is_saved(
    alice_client, workspace
):
    data = {**COMPANY, "phone": "12", "social": "Blog javascript:alert(1)"}
    response = alice_client.post("/publishing/company/", data)
    assert response.status_code == 422
    form = response.context["form"]
    assert "phone" in form.errors or "social" in form.errors
    assert signatures.company_profile(workspace=workspace).register_number == ""


def test_the_template_lint_names_missing_legal_details(alice_client, workspace):
    data = {**COMPANY, "register_court": "", "register_number": ""}
    assert alice_client.post("/publishing/company/", data).status_code == 302
    page = alice_client.get("/publishing/company/").content.decode()
    assert 'data-code="legal_missing"' in page
    assert alice_client.post("/publishing/company/", COMPANY).status_code == 302
    page = alice_client.get("/publishing/company/").content.decode()
    assert 'data-code="legal_missing"' not in page


def test_staff_cannot_change_the_company_data(client, bob):
    client.force_login(bob)
    assert client.get("/publishing/company/").status_code == 403


# --- signatures ---------------------------------------------------------------------------------


def test_a_member_edits_their_own_signature_and_sees_it_rendered(client, bob, company):
    client.force_login(bob)
    assert client.get("/publishing/signatures/").url == f"/publishing/signatures/{bob.pk}/"
    response = client.post(f"/publishing/signatures/{bob.pk}/", {
        "name": "Bob Bauer", "job_title": "Kundendienst", "phone": "089 1234567-12",
        "mobile": "0171 2345678", "email": "bob@pollux.example", "language": "de",
        "with_banner": "on",
    })  # fmt: skip
    assert response.status_code == 302
    profile = SignatureProfile.objects.get(user=bob)
    assert (profile.phone, profile.mobile) == ("+4989123456712", "+491712345678")
    page = client.get(f"/publishing/signatures/{bob.pk}/").content.decode()
    assert 'href="tel:+4989123456712"' in page
    assert "HRB 123456" in page
    assert 'data-copy="#signature-html"' in page


def test_a_disclaimer_in_the_closing_text_shows_as_a_problem(alice_client, alice, company):
    data = {**COMPANY, "closing": "This e-mail is confidential. If you are not the intended "
            "recipient, please notify the sender and delete it. Any unauthorised copying is "
            "strictly forbidden."}  # fmt: skip
    assert alice_client.post("/publishing/company/", data).status_code == 302
    page = alice_client.get(f"/publishing/signatures/{alice.pk}/").content.decode()
    assert 'data-code="disclaimer"' in page
    listing = alice_client.get("/publishing/signatures/").content.decode()
    assert f'id="signature-{alice.pk}"' in listing


def test_staff_cannot_open_another_members_signature_but_a_manager_can(client, alice, bob):
    client.force_login(bob)
    assert client.get(f"/publishing/signatures/{alice.pk}/").status_code == 404
    client.force_login(alice)
    assert client.get(f"/publishing/signatures/{bob.pk}/").status_code == 200


def test_an_invalid_phone_in_a_signature_is_a_field_error(client, bob):
    client.force_login(bob)
    response = client.post(f"/publishing/signatures/{bob.pk}/", {
        "name": "Bob", "phone": "abc", "language": "de", "email": "bob@pollux.example",
    })  # fmt: skip
    assert response.status_code == 422
    assert "phone" in response.context["form"].errors


@pytest.mark.django_db(transaction=True)
def test_the_install_link_is_mailed_and_opens_the_signature(smtp, client, bob, workspace):
    client.force_login(bob)
    response = client.post(f"/publishing/signatures/{bob.pk}/install-mail/")
    assert response.status_code == 302
    work()
    assert [m["To"] for m in smtp.messages] == ["bob@pollux.example"]
    page = client.get(path_of(link_in(smtp.messages[0])))
    assert page.status_code == 200
    assert "bob@pollux.example" in page.content.decode()
    assert SignatureProfile.objects.get(user=bob).install_sent_at is not None


def test_a_pasted_signature_is_checked_against_the_company_data(alice_client, company):
    text = ("Alice Adler\nTel. +49 89 7654321\nPollux GmbH\n\nDiese E-Mail enthält "
            "vertrauliche Informationen. Wenn Sie nicht der richtige Adressat sind, informieren "
            "Sie bitte sofort den Absender und vernichten Sie diese Mail.")  # fmt: skip
    response = alice_client.post("/publishing/signatures/check/", {"text": text, "html": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="disclaimer"' in page
    assert 'id="pasted-findings"' in page
    assert alice_client.post("/publishing/signatures/check/", {}).status_code == 422


# --- banners ------------------------------------------------------------------------------------

BANNER = {"name": "Herbst", "alt_text": "Herbstaktion", "link_url": "https://pollux.example/herbst",
          "starts_on": "2020-01-01", "ends_on": "", "weight": "2", "target": "email",
          "language": "", "for_partners": "on"}  # fmt: skip


def test_a_banner_is_uploaded_listed_and_counted_in_the_chart(alice_client, workspace):
    response = alice_client.post("/publishing/banners/new/", {**BANNER, "image_file": png()})
    assert response.status_code == 302
    banner = Banner.objects.get(workspace=workspace)
    assert (banner.width, banner.height) == (600, 100)
    for _ in range(3):
        banners.banner_count(banner_id=banner.pk, workspace_id=workspace.pk, field="views")
    banners.banner_count(banner_id=banner.pk, workspace_id=workspace.pk, field="clicks")
    page = alice_client.get("/publishing/banners/").content.decode()
    assert 'id="views-chart"' in page
    assert 'id="clicks-chart"' in page
    assert re.search(r"<title>[\d.]+: 3</title>", page)
    assert alice_client.get(f"/publishing/banners/{banner.pk}/image/").status_code == 200


def test_a_banner_without_an_image_or_with_a_fake_one_is_refused(alice_client, workspace):
    assert alice_client.post("/publishing/banners/new/", BANNER).status_code == 422
    fake = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = alice_client.post("/publishing/banners/new/", {**BANNER, "image_file": fake})
    assert response.status_code == 422
    assert "image_file" in response.context["form"].errors
    assert not Banner.objects.filter(workspace=workspace).exists()


def test_an_end_before_the_start_is_a_field_error(alice_client, workspace):
    data = {**BANNER, "ends_on": "2019-01-01", "image_file": png()}
    response = alice_client.post("/publishing/banners/new/", data)
    assert response.status_code == 422
    assert "ends_on" in response.context["form"].errors


def test_a_banner_is_edited_and_deleted(alice_client, workspace):
    alice_client.post("/publishing/banners/new/", {**BANNER, "image_file": png()})
    banner = Banner.objects.get(workspace=workspace)
    response = alice_client.post(f"/publishing/banners/{banner.pk}/edit/",
                                 {**BANNER, "weight": "5"})  # fmt: skip
    assert response.status_code == 302
    banner.refresh_from_db()
    assert banner.weight == 5
    assert banner.width == 600
    assert alice_client.post(f"/publishing/banners/{banner.pk}/delete/").status_code == 302
    assert not Banner.objects.filter(pk=banner.pk).exists()


# --- partners -----------------------------------------------------------------------------------


@pytest.fixture
def offered(workspace):
    shown = Banner(
        workspace=workspace,
        name="Für Händler",
        alt_text="Aktion",
        link_url="https://pollux.example/a",
        starts_on="2020-01-01",
        for_partners=True,
    )
    banners.banner_save(banner=shown, image=png())
    hidden = Banner(
        workspace=workspace,
        name="Intern",
        alt_text="Intern",
        link_url="https://pollux.example/b",
        starts_on="2020-01-01",
    )
    banners.banner_save(banner=hidden, image=png(name="intern.png"))
    return shown, hidden


def test_a_duplicate_partner_address_is_a_field_error(alice_client, workspace):
    data = {"name": "Händler Huber", "company": "Huber KG", "email": "huber@example.com",
            "active": "on"}  # fmt: skip
    assert alice_client.post("/publishing/partners/new/", data).status_code == 302
    again = alice_client.post("/publishing/partners/new/", {**data, "email": "HUBER@example.com"})
    assert again.status_code == 422
    assert "email" in again.context["form"].errors
    assert Partner.objects.filter(workspace=workspace).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_partner_signs_in_by_mail_and_sees_only_partner_banners(
    smtp, alice_client, workspace, offered
):
    alice_client.post("/publishing/partners/new/", {"name": "Huber", "email": "huber@example.com",
                                                     "active": "on"})  # fmt: skip
    partner = Partner.objects.get(workspace=workspace)
    alice_client.post(f"/publishing/partners/{partner.pk}/invite/")
    work()
    link = path_of(link_in(smtp.messages[0]))
    alice_client.logout()
    assert alice_client.get(link).status_code == 302
    page = alice_client.get(f"/partners/{workspace.slug}/").content.decode()
    shown, hidden = offered
    assert "Für Händler" in page
    assert "Intern" not in page
    download = alice_client.get(f"/partners/{workspace.slug}/banners/{shown.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert alice_client.get(f"/partners/{workspace.slug}/banners/{hidden.pk}/").status_code == 404
    # the link works once
    assert alice_client.get(link).status_code == 404


def test_a_partner_reaches_no_workspace_page(client, workspace, other_workspace, offered):
    partner = Partner.objects.create(workspace=workspace, name="Huber", email="h@example.com")
    from touchbase.publishing import reach_services

    link = path_of(reach_services.partner_link(partner))
    assert client.get(link).status_code == 302
    for url in [
        "/publishing/banners/",
        "/publishing/partners/",
        "/publishing/",
        f"/publishing/banners/{offered[0].pk}/image/",
        "/contacts/",
        "/api/v1/contacts",
    ]:
        assert client.get(url).status_code in (302, 401), url
    # another workspace's partner page asks them to sign in
    page = client.get(f"/partners/{other_workspace.slug}/").content.decode()
    assert 'name="email"' in page
    assert "Für Händler" not in page


@pytest.mark.django_db(transaction=True)
def test_asking_for_a_link_tells_nobody_who_is_a_partner(smtp, client, workspace):
    Partner.objects.create(workspace=workspace, name="Huber", email="h@example.com")
    known = client.post(f"/partners/{workspace.slug}/", {"email": "h@example.com"})
    unknown = client.post(f"/partners/{workspace.slug}/", {"email": "x@example.com"})
    robot = client.post(f"/partners/{workspace.slug}/", {"email": "h@example.com",
                                                         "website": "spam"})  # fmt: skip
    assert known.status_code == unknown.status_code == robot.status_code == 200
    assert 'id="link-sent"' in unknown.content.decode()
    work()
    assert [m["To"] for m in smtp.messages] == ["h@example.com"]


def test_a_forged_partner_link_is_refused(client, workspace):
    assert client.get(f"/partners/{workspace.slug}/in/abc.def/").status_code == 404


def test_a_customers_export_and_erasure_include_their_partner_row(workspace, contact, alice):
    from touchbase.care.services import contact_erase, personal_data_export

    Partner.objects.create(workspace=workspace, name="Huber", email=contact.email.upper())
    exported = personal_data_export(contact=contact)
    assert [row["name"] for row in exported["publishing-partners"]["partners"]] == ["Huber"]
    contact_erase(contact=contact, by=alice)
    assert not Partner.objects.filter(workspace=workspace).exists()


def test_a_removed_members_signature_data_goes_with_them(workspace, bob_membership):
    from touchbase.core.services import member_remove

    signatures.signature_profile(membership=bob_membership)
    member_remove(membership=bob_membership)
    assert not SignatureProfile.objects.filter(workspace=workspace).exists()


# --- presences ----------------------------------------------------------------------------------

PRESENCE = {"kind": "imprint", "name": "Impressum", "url": "https://pollux.example/impressum",
            "check_every_days": "7", "answer_within_days": "14"}  # fmt: skip


def test_a_presence_is_registered_shown_and_confirmed_by_its_owner(client, alice, bob, workspace):
    from touchbase.publishing import audit
    from touchbase.publishing.models_reach import Presence, PresenceCheck

    client.force_login(alice)
    response = client.post("/publishing/presences/new/", {**PRESENCE, "owner": bob.pk})
    presence = Presence.objects.get(workspace=workspace)
    assert response.url == f"/publishing/presences/{presence.pk}/"
    assert presence.next_check_at is not None
    found = audit.finding(audit.PHONE_UNKNOWN, phone="+49891111111")
    PresenceCheck.objects.create(
        workspace=workspace, presence=presence, checked_at=presence.created_at, outcome="differs",
        phones=["+49891111111"], findings=[found],
    )  # fmt: skip
    client.force_login(bob)
    with_language = {"HTTP_ACCEPT_LANGUAGE": "de"}
    page = client.get(f"/publishing/presences/{presence.pk}/", **with_language).content.decode()
    assert "+49 89 1111111" in page
    assert "Stammdaten" in page or "master data" in page
    assert client.post(f"/publishing/presences/{presence.pk}/answered/").status_code == 302
    presence.refresh_from_db()
    assert presence.answered_at is not None
    listing = client.get("/publishing/presences/?filter=mine").content.decode()
    assert f'id="presence-{presence.pk}"' in listing


def test_only_the_owner_or_a_manager_confirms_an_answer(client, alice, bob, workspace):
    from touchbase.publishing.models_reach import Presence

    presence = Presence.objects.create(
        workspace=workspace, kind="facebook", name="Facebook",
        url="https://facebook.example/pollux", owner=alice,
    )  # fmt: skip
    client.force_login(bob)
    client.post(f"/publishing/presences/{presence.pk}/answered/")
    presence.refresh_from_db()
    assert presence.answered_at is None


def test_a_presence_url_twice_or_an_outside_owner_is_a_field_error(alice_client, carol, workspace):
    from touchbase.publishing.models_reach import Presence

    assert alice_client.post("/publishing/presences/new/", PRESENCE).status_code == 302
    again = alice_client.post("/publishing/presences/new/", PRESENCE)
    assert again.status_code == 422
    assert "url" in again.context["form"].errors
    outside = {**PRESENCE, "url": "https://x.example/", "owner": carol.pk}
    outsider = alice_client.post("/publishing/presences/new/", outside)
    assert outsider.status_code == 422
    assert "owner" in outsider.context["form"].errors
    assert Presence.objects.filter(workspace=workspace).count() == 1


def test_check_now_makes_the_presence_due_for_the_worker(alice_client, workspace):
    import datetime as dt

    from django.utils import timezone

    from touchbase.publishing.models_reach import Presence

    alice_client.post("/publishing/presences/new/", PRESENCE)
    presence = Presence.objects.get(workspace=workspace)
    Presence.objects.filter(pk=presence.pk).update(
        next_check_at=timezone.now() + dt.timedelta(days=5)
    )
    assert alice_client.post(f"/publishing/presences/{presence.pk}/check/").status_code == 302
    presence.refresh_from_db()
    assert presence.next_check_at <= timezone.now()


def test_staff_cannot_register_or_remove_presences(client, bob, workspace):
    from touchbase.publishing.models_reach import Presence

    presence = Presence.objects.create(workspace=workspace, kind="imprint", name="Impressum",
                                       url="https://pollux.example/i")  # fmt: skip
    client.force_login(bob)
    assert client.post("/publishing/presences/new/", PRESENCE).status_code == 403
    assert client.post(f"/publishing/presences/{presence.pk}/delete/").status_code == 403
    assert client.get("/publishing/presences/").status_code == 200


def test_a_banner_is_stored_under_the_type_its_bytes_have(alice_client, workspace):
    upload = png(name="herbst.jpg")
    assert (
        alice_client.post("/publishing/banners/new/", {**BANNER, "image_file": upload}).status_code
        == 302
    )
    banner = Banner.objects.get(workspace=workspace)
    assert banner.image.name.endswith(".png")
    response = alice_client.get(f"/publishing/banners/{banner.pk}/image/")
    assert response["Content-Type"] == "image/png"
