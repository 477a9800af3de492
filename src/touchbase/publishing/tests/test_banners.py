"""Banners in signatures and on the website: chosen when opened, counted once, no open redirect."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from touchbase.core.models import Membership
from touchbase.publishing import banners, signatures
from touchbase.publishing.choices import BannerTarget
from touchbase.publishing.models_reach import Banner, BannerWeek

pytestmark = pytest.mark.django_db


def picture(name="banner.png", size=(600, 120), colour=(10, 90, 200), kind="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{kind.lower()}")


def banner(workspace, name, *, weight=1, target=BannerTarget.EMAIL, language="", days=(0, 30),
           link="https://pollux.example/aktion"):  # fmt: skip
    today = timezone.localdate()
    return banners.banner_save(
        banner=Banner(workspace=workspace, name=name, alt_text=name, link_url=link,
                      starts_on=today + dt.timedelta(days=days[0]),
                      ends_on=today + dt.timedelta(days=days[1]), weight=weight, target=target,
                      language=language),
        image=picture(f"{name}.png", colour=(weight * 20 % 255, 90, 200)),
    )  # fmt: skip


@pytest.fixture
def signature(workspace, alice):
    return signatures.signature_profile(membership=Membership.objects.get(user=alice))


def test_a_banner_keeps_its_size_and_refuses_what_is_no_image(workspace):
    saved = banner(workspace, "Spring")
    assert (saved.width, saved.height) == (600, 120)
    fake = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
    bad = Banner(workspace=workspace, name="Bad", alt_text="x", link_url="https://x.example",
                 starts_on=timezone.localdate())  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        banners.banner_save(banner=bad, image=fake)
    assert "image" in refused.value.message_dict


def test_only_live_banners_of_the_target_are_shown(workspace):
    live = banner(workspace, "Live")
    banner(workspace, "Future", days=(3, 10))
    banner(workspace, "Past", days=(-10, -1))
    banner(workspace, "Web", target=BannerTarget.WEBSITE)
    shown = banners.live_banners(workspace=workspace, target=BannerTarget.EMAIL)
    assert [b.pk for b in shown] == [live.pk]


def test_weights_decide_how_often_and_the_reader_language_comes_first(workspace):
    heavy, light = banner(workspace, "Heavy", weight=3), banner(workspace, "Light", weight=1)
    live = banners.live_banners(workspace=workspace, target=BannerTarget.EMAIL)
    start = timezone.now()
    drawn = Counter(
        banners.banner_choose(live, slot=f"slot-{n}", now=start).pk for n in range(4000)
    )
    assert 0.70 < drawn[heavy.pk] / 4000 < 0.80
    assert drawn[light.pk] > 0
    english = banner(workspace, "English", language="en")
    live = banners.live_banners(workspace=workspace, target=BannerTarget.EMAIL)
    assert {banners.banner_choose(live, slot=f"s{n}", language="en").pk
            for n in range(200)} >= {english.pk}  # fmt: skip
    german = {banners.banner_choose(live, slot=f"s{n}", language="de").pk for n in range(200)}
    assert english.pk not in german


def test_the_signature_slot_serves_the_image_and_counts_each_open(workspace, signature, client):
    live = banner(workspace, "Spring")
    url = reverse("publishing:signature-banner", args=[signature.token])
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "no-store, private"
    with live.image.open("rb") as handle:
        assert response.content == handle.read()
    assert BannerWeek.objects.get(banner=live).views == 3


def test_the_click_goes_to_the_banner_shown_and_only_there(workspace, signature, client):
    live = banner(workspace, "Spring", link="https://pollux.example/fruehling")
    response = client.get(reverse("publishing:signature-click", args=[signature.token]),
                          {"next": "https://evil.example/"})  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "https://pollux.example/fruehling"
    assert BannerWeek.objects.get(banner=live).clicks == 1


def test_no_live_banner_shows_a_blank_pixel_and_counts_nothing(workspace, signature, client):
    banner(workspace, "Past", days=(-10, -1))
    response = client.get(reverse("publishing:signature-banner", args=[signature.token]))
    assert response.status_code == 200
    assert response.content == banners.EMPTY_GIF
    assert not BannerWeek.objects.exists()
    assert (
        client.get(reverse("publishing:signature-click", args=[signature.token])).status_code == 404
    )


def test_an_unknown_token_and_another_workspaces_banners_show_nothing(
    workspace, other_workspace, signature, client
):
    banner(other_workspace, "Theirs")
    assert client.get(reverse("publishing:signature-banner", args=["nope"])).status_code == 404
    response = client.get(reverse("publishing:signature-banner", args=[signature.token]))
    assert response.content == banners.EMPTY_GIF


def test_the_website_slot_shows_website_banners_only(workspace, client):
    web = banner(workspace, "Web", target=BannerTarget.WEBSITE, link="https://pollux.example/web")
    banner(workspace, "Mail")
    response = client.get(reverse("publishing:website-click", args=[workspace.slug]))
    assert response["Location"] == "https://pollux.example/web"
    client.get(reverse("publishing:website-banner", args=[workspace.slug]))
    assert BannerWeek.objects.get(banner=web).views == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_opens_are_each_counted_exactly_once(workspace, signature, live_server):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite in-memory test databases are not shared between threads")
    import urllib.request

    live = banner(workspace, "Spring")
    url = live_server.url + reverse("publishing:signature-banner", args=[signature.token])
    errors: list[BaseException] = []

    def opens() -> None:
        try:
            for _ in range(25):
                with urllib.request.urlopen(url, timeout=10) as answer:
                    answer.read()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=opens) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert BannerWeek.objects.get(banner=live).views == 200


@pytest.mark.django_db(transaction=True)
def test_a_count_commits_on_its_own_and_leaves_the_connection_durable(workspace):
    live = banner(workspace, "Spring")
    # given no row for the week yet, then one: the insert path and the update path
    banners.banner_count(banner_id=live.pk, workspace_id=workspace.pk, field="views")
    banners.banner_count(banner_id=live.pk, workspace_id=workspace.pk, field="views")
    assert BannerWeek.objects.get(banner=live).views == 2
    if connection.vendor == "postgresql":
        # The quick commit is the count's own; what the connection writes next waits for the disk.
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone() == ("on",)


def count_then_fail(live) -> None:
    with transaction.atomic():
        banners.banner_count(banner_id=live.pk, workspace_id=live.workspace_id, field="views")
        raise RuntimeError("the caller fails")


def test_a_count_inside_a_transaction_goes_with_it(workspace):
    live = banner(workspace, "Spring")
    banners.banner_count(banner_id=live.pk, workspace_id=workspace.pk, field="views")
    with pytest.raises(RuntimeError):
        count_then_fail(live)
    assert BannerWeek.objects.get(banner=live).views == 1


def test_only_views_and_clicks_can_be_counted(workspace):
    live = banner(workspace, "Spring")
    banners.banner_count(banner_id=live.pk, workspace_id=workspace.pk, field="views")
    with pytest.raises(ValueError, match="not a counter"):
        banners.banner_count(banner_id=live.pk, workspace_id=workspace.pk, field="views=0, clicks")
    assert BannerWeek.objects.filter(banner=live).values_list("views", "clicks").get() == (1, 0)


def test_the_signature_carries_master_data_in_html_and_text(workspace, signature):
    company = signatures.company_profile(workspace=workspace)
    signatures.company_profile_save(profile=company, changes={
        "legal_name": "Pollux GmbH", "street": "Leopoldstraße 1", "postal_code": "80802",
        "city": "München", "seat": "München", "register_court": "Amtsgericht München",
        "register_number": "HRB 123456", "managing_directors": "Anna Berger\nJoseph Page",
        "phone": "089 99998210", "website": "https://pollux.example",
    })  # fmt: skip
    signatures.signature_profile_save(profile=signature, changes={
        "name": "Alice Adler", "job_title": "Kundenservice", "phone": "089 1234567",
        "email": "alice@pollux.example", "language": "en",
    })  # fmt: skip
    banner(workspace, "Spring")
    html = signatures.signature_html(signature)
    text = signatures.signature_text(signature)
    assert "<script" not in html
    assert "font-face" not in html
    assert "+49 89 1234567" in html
    assert "Amtsgericht München HRB 123456" in html
    assert f"/sig/{signature.token}/banner.gif" in html
    assert 'width="600" height="120"' in html
    assert "Managing directors: Anna Berger, Joseph Page" in text
    assert "Phone +49 89 1234567" in text
    assert "alice@pollux.example" in text
    assert "<" not in text


def test_the_install_link_works_for_two_weeks_and_not_when_forged(signature, client):
    link = signatures.install_link(signature)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200
    assert 'id="signature-html"' in response.content.decode()
    forged = "/" + path.replace(path.split("/")[-2][:5], "AAAAA", 1)
    assert client.get(forged).status_code == 404


def test_social_links_must_be_web_addresses(workspace):
    company = signatures.company_profile(workspace=workspace)
    for bad in ([{"network": "X", "url": "javascript:alert(1)"}], "https://x.example",
                [{"network": "", "url": "https://x.example"}]):  # fmt: skip
        with pytest.raises(ValidationError):
            signatures.company_profile_save(profile=company, changes={"social_links": bad})
    saved = signatures.company_profile_save(profile=company, changes={
        "social_links": [{"network": "LinkedIn", "url": "https://linkedin.com/company/pollux"}],
    })  # fmt: skip
    assert saved.social_links == [{"network": "LinkedIn",
                                   "url": "https://linkedin.com/company/pollux"}]  # fmt: skip


def test_a_signature_photo_is_kept_square_and_small(signature):
    # given a tall JPEG portrait, four times the size the signature shows
    saved = signatures.signature_profile_save(
        profile=signature, changes={}, photo=picture("alice.jpg", (300, 400), kind="JPEG")
    )
    # then the stored photo is its centred square at twice the shown side, still a JPEG
    with saved.photo.open("rb") as handle, Image.open(handle) as stored:
        assert (stored.format, stored.size) == ("JPEG", (160, 160))
    assert saved.photo.name.endswith(".jpg")
