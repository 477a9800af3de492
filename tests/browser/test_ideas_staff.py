"""Ideas in real Chromium: a leader merges a duplicate into another idea and sees the votes of
the one that stays; on a phone the idea page's status form can be filled in and sent."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from tests.browser.world import pollux_world, sign_in
from touchbase.core.choices import Role
from touchbase.ideas import services
from touchbase.ideas.choices import IdeaStatus
from touchbase.ideas.models import Idea
from touchbase.visitors.models import Visitor
from touchbase.visitors.services import visitor_for_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def confirmed(workspace, email: str) -> Visitor:
    visitor = visitor_for_email(workspace=workspace, email=email)
    Visitor.objects.filter(pk=visitor.pk).update(confirmed_at=timezone.now())
    visitor.refresh_from_db()
    return visitor


@pytest.fixture
def world(transactional_db):
    """Two ideas saying the same: two votes each, one person voted for both."""
    world = pollux_world(role=Role.LEADER, slug="pollux-ideas")
    workspace, joseph = world["workspace"], world["joseph"]
    duplicate = services.idea_create(workspace=workspace, by=joseph, title="Dark mode please")
    survivor = services.idea_create(workspace=workspace, by=joseph, title="Dunkelmodus")
    both = confirmed(workspace, "beide@example.com")
    services.vote_cast(idea=duplicate, visitor=both)
    services.vote_cast(idea=duplicate, visitor=confirmed(workspace, "a@example.com"))
    services.vote_cast(idea=survivor, visitor=both)
    services.vote_cast(idea=survivor, visitor=confirmed(workspace, "b@example.com"))
    return {**world, "duplicate": duplicate, "survivor": survivor}


def test_a_leader_merges_a_duplicate_and_sees_the_votes_of_the_one_that_stays(
    page: Page, live_server, world
):
    sign_in(page, live_server.url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ideas").click()
    page.get_by_role("link", name="Dark mode please").click()
    expect(page.locator("#vote-count")).to_have_text("2")

    page.get_by_role("link", name="Merge into another idea").click()
    page.get_by_label("Search ideas by title, text or number").fill("Dunkel")
    # htmx lists the matches while typing
    candidate = page.locator(f"#candidate-{world['survivor'].pk}")
    expect(candidate).to_contain_text("Dunkelmodus")
    candidate.get_by_role("link", name="Merge into this idea").click()
    expect(page.get_by_role("heading", name="Merge these ideas?")).to_be_visible()
    page.get_by_role("button", name="Merge", exact=True).click()

    expect(page.get_by_role("heading", name="Dunkelmodus")).to_be_visible()
    expect(page.locator("#vote-count")).to_have_text("3")
    expect(page.locator("#merged")).to_contain_text("Dark mode please")
    assert Idea.objects.get(pk=world["duplicate"].pk).merged_into_id == world["survivor"].pk


def test_the_status_form_works_on_a_phone(page: Page, live_server, world):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/ideas/manage/{world['survivor'].pk}/")

    form = page.locator("#status-form")
    form.get_by_label("Status").select_option(label="Planned")
    form.get_by_label("Official answer").fill("Kommt im Frühjahr.")
    button = form.get_by_role("button", name="Save status")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    assert (box["x"] >= 0, box["x"] + box["width"] <= PHONE["width"]) == (True, True)
    button.click()

    expect(page.locator("#answer")).to_contain_text("Kommt im Frühjahr.")
    expect(page.locator("#history")).to_contain_text("New → Planned")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    assert Idea.objects.get(pk=world["survivor"].pk).status == IdeaStatus.PLANNED


@pytest.fixture
def axe_context(browser, browser_context_args):
    """A context where axe may be injected (the strict CSP would block it): only here."""
    context = browser.new_context(**{**browser_context_args, "bypass_csp": True})
    yield context
    context.close()


def test_the_idea_pages_have_no_serious_accessibility_violations(axe_context, live_server, world):
    page = axe_context.new_page()
    sign_in(page, live_server.url)
    duplicate, survivor = world["duplicate"].pk, world["survivor"].pk
    found = {}
    for path in (
        "/ideas/manage/",
        f"/ideas/manage/{survivor}/",
        f"/ideas/manage/{survivor}/edit/",
        f"/ideas/manage/{duplicate}/merge/?q=Dunkel",
        f"/ideas/manage/{duplicate}/merge/{survivor}/",
        "/ideas/manage/top/",
        "/ideas/manage/settings/",
    ):
        page.goto(f"{live_server.url}{path}")
        if violations := serious_violations(page):
            found[path] = violations
    assert found == {}
