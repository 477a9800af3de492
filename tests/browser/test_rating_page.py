"""Issue 8, item 7: the public rating page on a phone — a customer rates with a tap, in German."""

from __future__ import annotations

import urllib.parse

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from tests.browser.world import pollux_world
from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.core.choices import Role
from touchbase.listening.invitations import delivery_record, invitation_link
from touchbase.listening.models import Mention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
# The smallest touch target WCAG 2.5.5 asks for, in CSS pixels.
TOUCH_TARGET = 44


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe is injected as a script of its own, which the strict CSP would block: only here."""
    return {**browser_context_args, "bypass_csp": True, "locale": "de-DE"}


@pytest.fixture
def rating_path(transactional_db) -> str:
    """Maria's invitation to rate the kettle that was delivered to her (its link's path)."""
    world = pollux_world(role=Role.OWNER, slug="pollux-rating")
    kettle = product_save(product=Product(workspace=world["workspace"], name="Aurora"))
    invitation = delivery_record(workspace=world["workspace"], contact=world["contact"],
                                 product=kettle)  # fmt: skip
    return urllib.parse.urlsplit(invitation_link(invitation=invitation)).path


def test_a_customer_rates_on_a_phone_with_a_tap_and_a_few_words(
    page: Page, live_server, rating_path
):
    # given Maria opens the link from her mail on a phone
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{rating_path}")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#rating h1")).to_contain_text("Aurora")
    # then the page fits the screen, each star is big enough to tap, and nothing is serious for axe
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    for value in range(1, 6):
        box = page.locator(f"label[for=star-{value}]").bounding_box()
        assert box is not None
        assert (value, box["width"] >= TOUCH_TARGET, box["height"] >= TOUCH_TARGET) == (
            value, True, True,
        )  # fmt: skip
        assert box["x"] + box["width"] <= PHONE["width"]
    assert serious_violations(page) == []
    # when she sends without stars, she is told what is missing and nothing is stored
    page.locator("#rating button[type=submit]").click()
    expect(page.locator("#stars-group .errorlist")).to_be_visible()
    # when she taps the fourth star, writes a line and sends
    page.locator("label[for=star-4]").click()
    expect(page.locator("#star-4")).to_be_checked()
    page.locator("#id_text").fill("Kocht leise und schnell.")
    page.locator("#rating button[type=submit]").click()
    # then she is thanked, and her rating is a mention with four stars
    expect(page.locator("#rating-thanks")).to_be_visible()
    mention = Mention.objects.get()
    assert (mention.stars, mention.text) == (4.0, "Kocht leise und schnell.")
    # and the link does not take a second answer
    page.goto(f"{live_server.url}{rating_path}")
    expect(page.locator("#rating-thanks")).to_be_visible()
    expect(page.locator("#rating form")).to_have_count(0)


def test_a_tampered_link_shows_a_clear_page_on_a_phone(page: Page, live_server, rating_path):
    page.set_viewport_size(PHONE)
    response = page.goto(f"{live_server.url}{rating_path[:-6]}xxxxx/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("#rating-invalid")).to_contain_text("ungültig")
    assert serious_violations(page) == []
