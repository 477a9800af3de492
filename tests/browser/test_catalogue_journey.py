"""Issue 8, item 1 in real Chromium: a leader keeps the product catalogue, in English and German."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.world import pollux_world, sign_in
from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.core.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pollux(transactional_db):
    world = pollux_world(role=Role.LEADER, slug="pollux-catalogue")
    product_save(product=Product(workspace=world["workspace"], name="Toaster Borealis",
                                 sku="TO-210"), aliases=["Borealis"])  # fmt: skip
    return world


def test_a_leader_adds_a_product_and_finds_it_by_alias(page: Page, live_server, pollux):
    # given joseph, a leader, on the product list from the menu
    sign_in(page, live_server.url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Products").click()
    expect(page.get_by_role("heading", name="Products")).to_be_visible()
    # when he adds a product whose SKU another product has, then the SKU field says so
    page.get_by_role("link", name="New product").click()
    page.get_by_label("Name", exact=True).fill("Wasserkocher Aurora")
    page.get_by_label("SKU").fill("to-210")
    page.get_by_label("Aliases (other names)").fill("Aurora\nKessel")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("A product with this SKU exists already.")).to_be_visible()
    assert not Product.objects.filter(name="Wasserkocher Aurora").exists()
    # when he corrects it, then the product is saved with its aliases
    page.get_by_label("SKU").fill("WK-100")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Wasserkocher Aurora")).to_be_visible()
    expect(page.get_by_text("Aurora, Kessel")).to_be_visible()
    # when he searches the list for an alias, then only that product is listed
    page.get_by_role("link", name="All products").click()
    page.get_by_label("Search", exact=True).fill("kessel")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Wasserkocher Aurora")


def test_the_catalogue_speaks_german(page: Page, live_server, pollux):
    sign_in(page, live_server.url, language="DE")
    page.get_by_role("navigation", name="Hauptmenü").get_by_role("link", name="Produkte").click()
    expect(page.get_by_role("heading", name="Produkte")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Artikelnummer")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("Im Verkauf")
