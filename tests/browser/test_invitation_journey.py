"""Joining, resetting a password and being refused, end to end in real Chromium with real mail."""

from __future__ import annotations

import os
import re
import struct
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect

from touchbase.core.choices import Language, Role
from touchbase.core.models import Invitation, Membership, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMBERS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "members.png"


@pytest.fixture
def mail_links_to_live_server(settings, live_server) -> str:
    """Links in mails point at the live server, which runs in another thread of this process."""
    settings.BASE_URL = live_server.url
    return live_server.url


@pytest.fixture
def german_visitor(browser: Browser, browser_context_args: dict) -> Iterator[BrowserContext]:
    """A second browser with no session, asking for German: the invitee's own."""
    context = browser.new_context(**{**browser_context_args, "locale": "de-DE"})
    yield context
    context.close()


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def mail_to(smtp, address: str, timeout: float = 10.0) -> EmailMessage:
    """The one mail to the address; sending is synchronous, the wait only absorbs scheduling."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        received = [message for message in smtp.messages if message["To"] == address]
        if received:
            [message] = received
            return message
        time.sleep(0.05)
    raise AssertionError(f"No mail to {address} within {timeout} s: {smtp.messages!r}")


def link_in(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+", body).group(0)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which every PNG starts with."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def expect_no_members_link(page: Page) -> None:
    members_url = reverse("core:members")
    expect(page.locator(f'a[href="{members_url}"]')).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Members"))).to_have_count(0)


def test_an_owner_invites_a_leader_in_german_who_joins_with_a_new_account(
    page: Page, german_visitor, mail_links_to_live_server, smtp, alice, bob, workspace
):
    base_url = mail_links_to_live_server
    page.set_viewport_size({"width": 1280, "height": 800})
    # given the owner on her members page, reached through the settings
    sign_in(page, base_url, "alice", "alice-password-1")
    expect(page.get_by_role("heading", name="My due list")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alice Adler").click()
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    page.get_by_role("link", name="Members and invitations").click()
    expect(page.get_by_role("heading", name="Members", exact=True)).to_be_visible()
    expect(page.locator("#members tbody tr")).to_have_count(2)
    # when she invites Dora as a leader, in German
    invite_form = page.locator("#invite-form")
    invite_form.get_by_label("E-mail").fill("dora@example.com")
    invite_form.get_by_label("Role").select_option(label="Leader")
    invite_form.get_by_label("Language of the invitation").select_option(label="German")
    invite_form.get_by_role("button", name="Send invitation").click()
    # then the invitation is listed as open, and the page is what the docs show
    expect(page.locator(".message")).to_have_text("Invitation sent to dora@example.com.")
    expect(page.locator("#invitations")).to_contain_text("dora@example.com · Leader")
    # The picture in the README is rewritten only on request: it shows today's expiry date.
    keep = os.environ.get("TOUCHBASE_SCREENSHOTS") == "1"
    png = page.screenshot(path=MEMBERS_SCREENSHOT if keep else None)
    assert png_size(png) == (1280, 800)
    assert len(png) < 300_000
    # and Dora gets a German mail with a link to this server
    message = mail_to(smtp, "dora@example.com")
    assert message["Subject"] == "Treten Sie Pollux GmbH auf touchbase bei"
    link = link_in(message)
    assert link.startswith(f"{base_url}/invite/")
    # when Dora opens it in her own browser and creates her account
    dora_page = german_visitor.new_page()
    dora_page.goto(link)
    expect(dora_page.get_by_role("heading", name="Pollux GmbH beitreten")).to_be_visible()
    dora_page.locator("#id_username").fill("dora")
    dora_page.locator("#id_first_name").fill("Dora")
    dora_page.locator("#id_last_name").fill("Dahl")
    dora_page.locator("#id_password1").fill("kaffee-und-kuchen-7")
    dora_page.locator("#id_password2").fill("kaffee-und-kuchen-7")
    dora_page.get_by_role("button", name="Konto anlegen und beitreten").click()
    # then she is signed in on her due list, a leader of Pollux, and the invitation is used
    expect(dora_page.get_by_role("heading", name="Meine Fälligkeitsliste")).to_be_visible()
    expect(dora_page).to_have_url(base_url + reverse("relationships:due-list"))
    expect(dora_page.locator(".message")).to_have_text("Willkommen bei Pollux GmbH.")
    membership = Membership.objects.get(workspace=workspace, user__username="dora")
    assert membership.role == Role.LEADER
    assert (membership.user.email, membership.user.language) == (
        "dora@example.com", Language.GERMAN)  # fmt: skip
    invitation = Invitation.objects.get(workspace=workspace, email="dora@example.com")
    assert invitation.accepted_at is not None
    assert invitation.accepted_by == membership.user
    # and the link works once only
    response = dora_page.goto(link)
    assert response.status == 404
    expect(dora_page.locator("main")).to_contain_text(
        "Dieser Einladungslink ist ungültig oder abgelaufen."
    )
    expect(dora_page.get_by_role("button", name="Konto anlegen und beitreten")).to_have_count(0)
    assert Membership.objects.filter(workspace=workspace).count() == 3


def test_a_member_who_forgot_the_password_sets_a_new_one_by_mail(
    page: Page, live_server, smtp, bob
):
    # given bob on the sign-in page, asking for a link
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.locator("#id_email").fill("bob@pollux.example")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your mailbox")).to_be_visible()
    # when he opens the link from the mail and chooses a new password
    message = mail_to(smtp, "bob@pollux.example")
    assert message["Subject"] == "Choose a new touchbase password"
    link = link_in(message)
    assert link.startswith(f"{live_server.url}/password/reset/")
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.locator("#id_new_password1").fill("brezel-und-senf-9")
    page.locator("#id_new_password2").fill("brezel-und-senf-9")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="Password saved")).to_be_visible()
    # then he signs in with the new password, and the old one is gone
    page.get_by_role("link", name="Sign in").click()
    page.locator("#id_username").fill("bob")
    page.locator("#id_password").fill("brezel-und-senf-9")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="My due list")).to_be_visible()
    user = User.objects.get(username="bob")
    assert user.check_password("brezel-und-senf-9")
    assert not user.check_password("bob-password-1")


def test_a_staff_member_is_refused_the_members_page_and_never_offered_it(
    page: Page, live_server, alice, bob
):
    # given bob, staff at Pollux, signed in: no way to the members page on his screens
    sign_in(page, live_server.url, "bob", "bob-password-1")
    expect(page.get_by_role("heading", name="My due list")).to_be_visible()
    expect_no_members_link(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Bob Bauer").click()
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    expect_no_members_link(page)
    # when he types its address
    response = page.goto(live_server.url + reverse("core:members"))
    # then he is refused, sees nobody's details, and still gets no link to it
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("alice@pollux.example")
    expect(page.locator("#invite-form")).to_have_count(0)
    expect_no_members_link(page)
