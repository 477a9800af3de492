"""Signatures and banners in real Chromium: joseph fills in the company data, sets up his
signature and copies it with one click, uploads an e-mail banner and sees it in the list; the
pages pass axe."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from tests.browser.world import pollux_world, sign_in
from touchbase.core.choices import Role
from touchbase.publishing.models_reach import Banner, SignatureProfile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    return pollux_world(role=Role.LEADER, slug="pollux-reach")


@pytest.fixture
def axe_context(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "bypass_csp": True})
    yield context
    context.close()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 120), (158, 74, 20)).save(buffer, "PNG")
    return buffer.getvalue()


def test_company_data_signature_copy_and_a_banner(page: Page, live_server, world, axe_context):
    base = live_server.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    sign_in(page, base)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Publishing").click()
    page.get_by_role("link", name="Signatures, banners, presences").click()
    page.get_by_role("link", name="Company data").click()
    page.get_by_label("Company name (as registered)").fill("Pollux Haushaltsgeräte GmbH")
    page.get_by_label("Legal form").select_option("de_gmbh")
    page.get_by_label("Registered seat").fill("München")
    page.get_by_label("Register court").fill("Amtsgericht München")
    page.get_by_label("Register number").fill("HRB 214567")
    page.get_by_label("Managing directors").fill("Helena Pollux")
    page.get_by_label("Phone").fill("089 2154330")
    page.get_by_label("E-mail").fill("service@pollux.example")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".message")).to_contain_text("Company data saved")

    page.get_by_role("link", name="Signatures", exact=True).click()
    page.locator("#signature-table").get_by_role("link", name="Joseph Page").click()
    page.get_by_label("Phone", exact=True).fill("089 2154330-30")
    page.get_by_role("button", name="Save").click()
    preview = page.locator("#signature-html")
    expect(preview).to_contain_text("+49 89 215433030")
    expect(preview).to_contain_text("HRB 214567")
    assert SignatureProfile.objects.get(user=world["joseph"]).phone == "+4989215433030"

    page.get_by_role("button", name="Copy signature").click()
    expect(page.locator("#copy-status")).to_contain_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Joseph Page" in copied
    assert "HRB 214567" in copied

    page.get_by_role("link", name="Banners").click()
    page.get_by_role("link", name="New banner").click()
    page.get_by_label("Name").fill("Herbstaktion")
    page.get_by_label("Description (alt text)").fill("Herbstaktion: 10 % auf Kaffeemühlen")
    page.get_by_label("Link").fill("https://www.pollux.example/herbst")
    page.get_by_label("Shown from").fill("2026-01-01")
    page.get_by_label("Image").set_input_files(
        files=[{"name": "herbst.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_role("button", name="Save").click()
    row = page.locator("#banner-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Herbstaktion")
    banner = Banner.objects.get(workspace=world["workspace"])
    assert (banner.width, banner.height) == (600, 120)
    # the list shows the uploaded image itself
    # the image may still be loading when the row appears: wait for it to finish first
    width = page.locator("#banner-table img").evaluate(
        "img => img.decode().then(() => img.naturalWidth, () => img.naturalWidth)"
    )
    assert width == 600

    page.get_by_role("link", name="Presences").click()
    page.get_by_role("link", name="New presence").click()
    page.get_by_label("Kind").select_option("imprint")
    page.get_by_label("Name").fill("Impressum")
    page.get_by_label("Address").fill("https://www.pollux.example/impressum")
    page.get_by_label("Answered by").select_option(label="Joseph Page")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Impressum")).to_be_visible()
    page.get_by_role("button", name="I answered everything waiting there").click()
    expect(page.locator("#answered-at")).not_to_contain_text("never")

    # axe is injected as a script of its own, which the strict CSP blocks: only in its context
    checker = axe_context.new_page()
    sign_in(checker, base)
    for path in [
        "/publishing/company/",
        f"/publishing/signatures/{world['joseph'].pk}/",
        "/publishing/banners/",
        "/publishing/partners/",
        "/partners/pollux-reach/",
    ]:
        checker.goto(base + path)
        assert serious_violations(checker) == [], path
