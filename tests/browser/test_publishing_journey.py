"""Publishing in real Chromium: joseph writes a draft for the news page and the press, sees
as he types that two colleagues must read it, asks them; each signs in and approves; joseph
publishes, and a stranger reads the post on the public news page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from tests.browser.world import pollux_world
from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.publishing import services
from touchbase.publishing.choices import ChannelKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    world = pollux_world(role=Role.LEADER, slug="pollux-news")
    workspace = world["workspace"]
    for name in ("lena", "tom"):
        member_add(workspace=workspace, username=name, password=f"{name}-password-1",
                   role=Role.STAFF, first_name=name.title(), last_name="Pollux")  # fmt: skip
    services.channel_save(workspace=workspace, name="News page", kind=ChannelKind.NEWS_PAGE,
                          permanence=5, control=8)  # fmt: skip
    services.channel_save(workspace=workspace, name="Press release", kind=ChannelKind.OTHER,
                          permanence=7, control=5)  # fmt: skip
    return world


def _sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/login/")
    page.get_by_role("button", name="EN", exact=True).click()
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("button[type=submit]").last.click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def _approve(page: Page, base_url: str, username: str) -> None:
    _sign_in(page, base_url, username, f"{username}-password-1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Publishing").click()
    # the menu counts what waits: "To review 1"
    page.get_by_role("link", name=re.compile(r"^To review \d+$")).first.click()
    page.get_by_role("link", name="Longer opening hours").click()
    page.get_by_label("Approved").check()
    page.get_by_role("button", name="Send the review").click()
    expect(page.locator("#reviews")).to_contain_text(username.title())


@pytest.fixture
def axe_context(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "bypass_csp": True})
    yield context
    context.close()


def test_a_draft_goes_through_two_approvals_to_the_public_news_page(
    page: Page, live_server, world, axe_context
):
    base = live_server.url
    _sign_in(page, base, "joseph", "pollux-demo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Publishing").click()
    page.get_by_role("link", name="New draft").click()
    page.get_by_label("Title").fill("Longer opening hours")
    page.get_by_label("Text").fill("From **Monday** we open at 7.\n\n<script>alert(1)</script>")
    page.get_by_role("checkbox", name=re.compile(r"^News page —")).check()
    expect(page.locator("#draft-rule h2")).to_have_text("0 reviewers needed")
    page.get_by_label("Press release").check()
    # the rule answers as the channels are chosen: permanence 7 − control 5
    expect(page.locator("#draft-rule h2")).to_have_text("2 reviewers needed")
    expect(page.locator("#rule-reasons")).to_contain_text("Press release")
    page.get_by_role("button", name="Save").first.click()

    page.get_by_label("Lena Pollux").check()
    page.get_by_label("Tom Pollux").check()
    page.get_by_role("button", name="Ask to review").click()
    reviewers = page.get_by_role("region", name="Reviewers", exact=True)
    expect(reviewers).to_contain_text("Lena Pollux")
    expect(reviewers).to_contain_text("Tom Pollux")
    # not before two colleagues approved
    expect(page.get_by_role("button", name="Publish now")).to_have_count(0)
    draft_url = page.url

    _approve(page, base, "lena")
    _approve(page, base, "tom")

    _sign_in(page, base, "joseph", "pollux-demo")
    page.goto(draft_url)
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator("main")).to_contain_text("Published")

    page.context.clear_cookies()
    page.goto(f"{base}/news/pollux-news/")
    page.get_by_role("link", name="Longer opening hours").click()
    expect(page.locator("main strong", has_text="Monday")).to_be_visible()
    # the author's script is shown as text, never run
    expect(page.locator("main")).to_contain_text("<script>alert(1)</script>")
    post_url = page.url

    # axe is injected as a script of its own, which the strict CSP blocks: only in its context
    checker = axe_context.new_page()
    checker.goto(post_url)
    assert serious_violations(checker) == []
    _sign_in(checker, base, "joseph", "pollux-demo")
    checker.goto(draft_url)
    assert serious_violations(checker) == []
    checker.goto(f"{base}/publishing/new/")
    assert serious_violations(checker) == []
