"""axe-core finds no serious or critical WCAG 2.1 AA problem on the response queue's pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from tests.browser.world import pollux_world, sign_in
from touchbase.core.choices import Role
from touchbase.listening.answers import reply_record
from touchbase.listening.models import Mention
from touchbase.listening.tests.factories import mention_make, source_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe is injected as a script of its own, which the strict CSP would block: only here."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def pollux(transactional_db):
    world = pollux_world(role=Role.STAFF, slug="pollux-queue-a11y")
    source = source_make(world["workspace"], "Google")
    contact = world["contact"]
    waiting = mention_make(source, "Deckel klemmt.", sentiment="negative", author="Maria H.")
    answered = mention_make(source, "Kabel zu kurz.", sentiment="negative", author="Maria H.")
    for mention in (waiting, answered):
        Mention.objects.filter(pk=mention.pk).update(
            due_at=timezone.now() - dt.timedelta(hours=1), contact=contact, owner=world["joseph"]
        )
    answered.refresh_from_db()
    reply_record(mention=answered, by=world["joseph"], text="Ersatz kommt.", channel="email")
    world["waiting"] = waiting
    return world


@pytest.mark.parametrize(("language", "heading"), [("EN", "My due list"),
                                                   ("DE", "Meine Fälligkeitsliste")])  # fmt: skip
def test_the_queue_pages_have_no_serious_accessibility_violations(
    page: Page, live_server, pollux, language, heading
):
    sign_in(page, live_server.url, language=language)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    pages = {
        "queue": "/listening/queue/",
        "figures": "/listening/queue/figures/",
        "mention with the reply form": f"/listening/mentions/{pollux['waiting'].pk}/",
        "call sheet with open feedback": f"/contacts/{pollux['contact'].pk}/call/",
        "contact page with the reply": f"/contacts/{pollux['contact'].pk}/",
    }
    found = {}
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        if violations := serious_violations(page):
            found[name] = violations
    assert found == {}, "\n".join(
        f"{name}: {line}" for name, lines in found.items() for line in lines
    )
