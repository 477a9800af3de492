"""Issue 11: an employee's e-mail signature as a mail program shows it, in real Chromium.

The signature HTML is put into a plain white mail body, the way a mail program shows a
received message: its images come from the live server (the photo, and the banner slot that
counts the view), its size stays that of a signature, every link dials, writes or opens the
right thing, the banner's link lands on the banner's own page, and the plain-text version says
the same facts as the visible HTML, in the same order.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from touchbase.core.choices import Role
from touchbase.core.models import Membership
from touchbase.core.services import member_add, workspace_create
from touchbase.publishing import banners, signatures
from touchbase.publishing.choices import BannerTarget, LegalForm
from touchbase.publishing.models_reach import Banner, BannerWeek, SignatureProfile
from touchbase.testing_http import Answer, LoopbackServer, loopback_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHOTO_COLOUR = (200, 40, 60)
BANNER_COLOUR = (10, 90, 200)
SOCIAL = [
    {"network": "LinkedIn", "url": "https://www.linkedin.com/company/pollux-gmbh"},
    {"network": "Instagram", "url": "https://www.instagram.com/pollux.muenchen"},
]
COMPLETE = {
    "legal_name": "Pollux GmbH", "legal_form": LegalForm.DE_GMBH, "street": "Leopoldstraße 1",
    "postal_code": "80802", "city": "München", "seat": "München",
    "register_court": "Amtsgericht München", "register_number": "HRB 123456",
    "managing_directors": "Anna Berger\nJoseph Page", "supervisory_chair": "Dr. Ida Kern",
    "vat_id": "DE123456789", "phone": "089 99998210", "email": "info@pollux.example",
    "website": "https://pollux.example", "social_links": SOCIAL,
    "closing": "Besuchen Sie uns auf der Internorga.\nHalle B1, Stand 307",
}  # fmt: skip
# A company that filled in only some details: whatever one version says, the other must too.
SPARSE = {
    "legal_name": "Pollux GmbH", "legal_form": LegalForm.DE_GMBH, "city": "München",
    "register_court": "Amtsgericht München", "vat_id": "DE123456789",
    "supervisory_chair": "Dr. Ida Kern",
}  # fmt: skip
MEMBER = {
    "name": "Joseph Page", "job_title": "Vertrieb & Service", "phone": "089 1234567",
    "mobile": "0171 2345678", "email": "joseph@pollux.example", "language": "de",
}  # fmt: skip
MAIL_PAGE = (
    '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Angebot</title></head>'
    '<body style="margin:0;padding:16px;background:#ffffff">'
    "<p>Sehr geehrte Frau Hofer,</p><p>anbei unser Angebot.</p><p>Mit freundlichen Grüßen</p>"
    '<div id="signature">SIGNATURE</div></body></html>'
)
LANDING = b"<!doctype html><html><head><title>Aktion</title></head><body><h1>Fruehjahr</h1>"


def picture(name: str, size: tuple[int, int], colour: tuple[int, int, int]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def landing() -> Iterator[LoopbackServer]:
    """The banner's own page, somewhere else on the web."""
    with loopback_server() as server:
        yield server


@pytest.fixture
def served(settings, tmp_path, live_server) -> Iterator[str]:
    # The signature's absolute addresses must reach the server Chromium talks to.
    settings.BASE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    banners.banner_bytes.cache_clear()
    yield live_server.url
    cache.clear()
    banners.banner_bytes.cache_clear()


@pytest.fixture(params=[COMPLETE], ids=["complete"])
def signed(request, transactional_db, served, landing) -> dict[str, Any]:
    """Joseph's signature at Pollux GmbH with a photo, and one live e-mail banner."""
    workspace = workspace_create(name="Pollux GmbH", slug="pollux-signature", home_country="DE")
    joseph = member_add(workspace=workspace, username="joseph", password="pollux-demo",
                        role=Role.STAFF, first_name="Joseph", last_name="Page").user  # fmt: skip
    signatures.company_profile_save(
        profile=signatures.company_profile(workspace=workspace), changes=dict(request.param)
    )
    profile = signatures.signature_profile(membership=Membership.objects.get(user=joseph))
    # a portrait, as photos usually are: the signature shows it square
    portrait = picture("joseph.png", (150, 200), PHOTO_COLOUR)
    signatures.signature_profile_save(profile=profile, changes=dict(MEMBER), photo=portrait)
    banner = banners.banner_save(
        banner=Banner(workspace=workspace, name="Frühjahr", alt_text="Frühjahrsaktion",
                      link_url=landing.serve("/fruehjahr", Answer(body=LANDING, headers={
                          "Content-Type": "text/html; charset=utf-8"})),
                      starts_on=timezone.localdate(),
                      ends_on=timezone.localdate() + dt.timedelta(days=30),
                      target=BannerTarget.EMAIL),
        image=picture("fruehjahr.png", (600, 120), BANNER_COLOUR),
    )  # fmt: skip
    return {"profile": profile, "banner": banner, "base": served}


def open_in_mail(page: Page, profile: SignatureProfile) -> None:
    """Show the signature inside a received mail; returns once its images have loaded."""
    page.set_viewport_size({"width": 1280, "height": 900})
    html = str(signatures.signature_html(profile))
    page.set_content(MAIL_PAGE.replace("SIGNATURE", html), wait_until="load")


def facts(text: str) -> list[str]:
    """The lines of a text, split where the HTML joins facts with " · ", spaces collapsed."""
    found = []
    for line in text.splitlines():
        for part in re.split(r"\s+·\s+|\t", line):
            fact = " ".join(part.split())
            if fact:
                found.append(fact)
    return found


def text_facts(text: str, social: list[dict[str, str]]) -> list[str]:
    """The plain text's facts as the HTML shows them: a social link is its name there."""
    named = {f"{link['network']}: {link['url']}": link["network"] for link in social}
    # "--" is the plain-text signature delimiter, which HTML signatures do without.
    return [named.get(fact, fact) for fact in facts(text) if fact != "--"]


IMAGES = """images => images.map(image => {
    const box = image.getBoundingClientRect();
    return {src: image.getAttribute("src"), alt: image.getAttribute("alt"),
            width: image.getAttribute("width"), height: image.getAttribute("height"),
            natural: [image.naturalWidth, image.naturalHeight],
            shown: [box.width, box.height], at: [box.x, box.y]};
})"""
LINKS = """links => links.map(link => [link.getAttribute("href"), link.innerText.trim()])"""


def images(page: Page) -> list[dict[str, Any]]:
    return page.eval_on_selector_all("#signature img", IMAGES)


def links(page: Page) -> list[tuple[str, str]]:
    return [tuple(pair) for pair in page.eval_on_selector_all("#signature a", LINKS)]


def test_the_signature_renders_at_a_signature_size_with_its_images(page: Page, signed):
    profile, base = signed["profile"], signed["base"]
    open_in_mail(page, profile)
    table = page.locator("#signature > table")
    box = table.bounding_box()
    assert box is not None
    assert 300 <= box["width"] <= 700
    assert 100 <= box["height"] <= 600
    # the screenshot a mail program would show has the same size, and the images are painted
    shot = Image.open(io.BytesIO(table.screenshot())).convert("RGB")
    assert abs(shot.width - box["width"]) <= 1
    assert abs(shot.height - box["height"]) <= 1
    shown = images(page)
    assert [(image["src"], image["alt"], image["width"], image["height"]) for image in shown] == [
        (f"{base}/sig/{profile.token}/photo/", "Joseph Page", "80", "80"),
        (f"{base}/sig/{profile.token}/banner.gif", "Aktuelles von Pollux GmbH", "600", "120"),
    ]
    for image, colour in zip(shown, (PHOTO_COLOUR, BANNER_COLOUR), strict=True):
        assert image["natural"][0] > 0, image["src"]
        assert image["shown"] == [float(image["width"]), float(image["height"])]
        # the picture is not squeezed: its own proportions are those of its slot
        natural_width, natural_height = image["natural"]
        assert natural_width * int(image["height"]) == natural_height * int(image["width"])
        centre = (
            round(image["at"][0] - box["x"] + image["shown"][0] / 2),
            round(image["at"][1] - box["y"] + image["shown"][1] / 2),
        )
        assert shot.getpixel(centre) == colour


def test_every_link_dials_writes_or_opens_the_right_thing(page: Page, signed):
    profile, base = signed["profile"], signed["base"]
    open_in_mail(page, profile)
    assert links(page) == [
        ("tel:+49891234567", "+49 89 1234567"),
        ("tel:+491712345678", "+49 171 2345678"),
        ("mailto:joseph@pollux.example", "joseph@pollux.example"),
        ("tel:+498999998210", "+49 89 99998210"),
        ("https://pollux.example", "https://pollux.example"),
        ("https://www.linkedin.com/company/pollux-gmbh", "LinkedIn"),
        ("https://www.instagram.com/pollux.muenchen", "Instagram"),
        (f"{base}/sig/{profile.token}/click/", ""),
    ]
    for href, shown in links(page):
        if href.startswith("tel:"):
            # E.164 in the link, and the number shown is the one it dials
            assert re.fullmatch(r"tel:\+[1-9]\d{6,14}", href)
            assert href.removeprefix("tel:") == shown.replace(" ", "")


def test_the_banner_counts_the_view_and_its_link_lands_on_the_banner_page(
    page: Page, signed, landing
):
    profile, banner, base = signed["profile"], signed["banner"], signed["base"]
    responses: list[tuple[str, int]] = []
    page.on("response", lambda response: responses.append((response.url, response.status)))
    open_in_mail(page, profile)
    assert BannerWeek.objects.get(banner=banner).views == 1
    assert BannerWeek.objects.get(banner=banner).clicks == 0
    # when the reader clicks the banner
    page.locator("#signature a:has(img)").click()
    page.wait_for_url(banner.link_url)
    expect(page.get_by_role("heading", name="Fruehjahr")).to_be_visible()
    # then the click went through touchbase, was counted, and the image was not asked again
    assert (f"{base}/sig/{profile.token}/click/", 302) in responses
    assert "/fruehjahr" in landing.paths()
    week = BannerWeek.objects.get(banner=banner)
    assert (week.views, week.clicks) == (1, 1)


PERSON = ["Joseph Page", "Vertrieb & Service", "Telefon +49 89 1234567", "Mobil +49 171 2345678",
          "joseph@pollux.example"]  # fmt: skip
COMPLETE_SHOWN = [
    *PERSON, "Pollux GmbH", "Leopoldstraße 1", "80802 München", "Telefon +49 89 99998210",
    "https://pollux.example", "Sitz: München", "Amtsgericht München HRB 123456",
    "USt-IdNr. DE123456789", "Geschäftsführung: Anna Berger, Joseph Page",
    "Vorsitz des Aufsichtsrats: Dr. Ida Kern", "LinkedIn", "Instagram",
    "Besuchen Sie uns auf der Internorga.", "Halle B1, Stand 307",
]  # fmt: skip
SPARSE_SHOWN = [*PERSON, "Pollux GmbH", "München", "Amtsgericht München", "USt-IdNr. DE123456789",
                "Vorsitz des Aufsichtsrats: Dr. Ida Kern"]  # fmt: skip


@pytest.mark.parametrize(("signed", "shown"), [(COMPLETE, COMPLETE_SHOWN), (SPARSE, SPARSE_SHOWN)],
                         ids=["complete", "sparse"], indirect=["signed"])  # fmt: skip
def test_the_plain_text_says_what_the_html_shows(page: Page, signed, shown):
    profile = signed["profile"]
    open_in_mail(page, profile)
    text = signatures.signature_text(profile)
    # the same facts, in the same order: the visible HTML, and the text with its links spelt out
    assert facts(page.locator("#signature").inner_text()) == shown
    assert text_facts(text, profile.workspace.company_profile.social_links) == shown
    # and the text is tidy: no line starts, ends or is padded with stray spaces
    assert [line for line in text.splitlines() if line != " ".join(line.split())] == []


def test_the_signature_has_no_script_and_no_web_font(page: Page, signed):
    html = str(signatures.signature_html(signed["profile"]))
    for forbidden in ("<script", "@font-face", "@import", "javascript:", "<link", "<style"):
        assert forbidden not in html.lower()
    open_in_mail(page, signed["profile"])
    found = page.evaluate("""() => {
        const signature = document.querySelector("#signature");
        const handlers = [...signature.querySelectorAll("*")].flatMap(element =>
            [...element.attributes].map(attribute => attribute.name)
                .filter(name => name.startsWith("on")));
        return {
            scripts: signature.querySelectorAll("script, iframe, object, embed, form").length,
            handlers: handlers, fonts: document.fonts.size,
        };
    }""")
    assert found == {"scripts": 0, "handlers": [], "fonts": 0}
