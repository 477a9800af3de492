"""Issue 9: a stranger on a phone posts an idea, confirms by mail, votes; similar ideas show."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from touchbase.core.services import workspace_create
from touchbase.ideas import services
from touchbase.ideas.models import Idea, Vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TOUCH_TARGET = 44


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe is injected as a script of its own, which the strict CSP would block: only here."""
    return {**browser_context_args, "bypass_csp": True, "locale": "de-DE"}


@pytest.fixture
def portal(transactional_db):
    workspace = workspace_create(name="Pollux Heiztechnik", slug="pollux-portal")
    workspace.accent_color = "#0b6e4f"
    workspace.save()
    services.idea_create(workspace=workspace, by=None, title="Dunkelmodus für die App")
    return workspace


def test_a_stranger_posts_confirms_and_votes_on_a_phone(page: Page, live_server, portal, smtp):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/ideas/{portal.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator(".idea-list")).to_contain_text("Dunkelmodus für die App")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert serious_violations(page) == []
    # typing a title like an existing idea's shows it first
    page.locator("#portal-new-link").click()
    page.locator("#id_title").press_sequentially("Dunkler Modus App", delay=20)
    expect(page.locator("#similar-ideas")).to_contain_text("Dunkelmodus für die App")
    # she posts her own idea anyway, with her address
    page.locator("#id_title").fill("Heizung per Sprachbefehl")
    page.locator("#id_text").fill("Mit Alexa oder Siri.")
    page.locator("#id_email").fill("jana@example.com")
    page.locator("#idea-form button[type=submit]").click()
    expect(page.locator("#check-mail")).to_be_visible()
    assert not Idea.objects.get(title="Heizung per Sprachbefehl").listed
    # the worker mails the link; she follows it and confirms
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    body = smtp.messages[0].get_body(preferencelist=("plain",)).get_content()
    link_path = re.search(r"https?://[^/\s]+(/v/\S+/confirm/\S+/)", body).group(1)
    page.goto(f"{live_server.url}{link_path}")
    button = page.locator("#confirm-button")
    box = button.bounding_box()
    assert box is not None
    assert box["height"] >= TOUCH_TARGET
    button.click()
    expect(page.locator("#idea-title")).to_have_text("Heizung per Sprachbefehl")
    # back on the list, her browser is remembered: a tap on "vote" counts at once
    page.goto(f"{live_server.url}/ideas/{portal.slug}/")
    other = Idea.objects.get(title="Dunkelmodus für die App")
    vote_box = page.locator(f"#vote-{other.pk}")
    vote_box.locator("button").click()
    expect(vote_box.locator(".vote-count")).to_have_text("1")
    expect(vote_box.locator("button")).to_have_attribute("aria-pressed", "true")
    assert Vote.objects.get(idea=other).counted
    # and a second tap takes the vote back
    vote_box.locator("button").click()
    expect(vote_box.locator(".vote-count")).to_have_text("0")
    assert not Vote.objects.filter(idea=other).exists()
    assert len(smtp.messages) == 1
