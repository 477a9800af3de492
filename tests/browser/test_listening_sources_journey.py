"""Listening in real Chromium: a leader adds a source, uploads a review export, checks it,
stores it while the page shows the progress, and finds the reviews in the list."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from touchbase.core.choices import Role
from touchbase.core.services import member_add, workspace_create
from touchbase.listening.models import Mention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPORT = (
    "Reviewer Name;Star Rating;Comment;Create Time\r\n"
    "Maria K.;2;Der Deckel der Aurora klemmt seit der ersten Woche.;05.03.2024\r\n"
    "Jonas;5;Sehr zufrieden, schnelle Lieferung und gut verpackt.;06.03.2024\r\n"
    "Zeile;mit;zu;vielen;Zellen\r\n"
).encode("cp1252")


def drain_queue() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def test_a_leader_adds_a_source_and_stores_a_review_export(page: Page, live_server, tmp_path):
    workspace = workspace_create(name="Pollux GmbH", slug="pollux-listening")
    member_add(workspace=workspace, username="joseph", password="pollux-demo", role=Role.LEADER)
    path = tmp_path / "google-bewertungen.csv"
    path.write_bytes(EXPORT)
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("joseph")
    page.locator("#id_password").fill("pollux-demo")
    page.locator("button[type=submit]").last.click()

    page.get_by_role("link", name="Listening").click()
    page.get_by_role("link", name="Sources").click()
    page.get_by_role("link", name="New source").click()
    page.get_by_label("Name").fill("Google-Bewertungen")
    page.get_by_label("Channel").fill("Google")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Google-Bewertungen")).to_be_visible()

    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#job")).to_contain_text("Checking the file")
    drain_queue()
    # the page polls and shows the dry run by itself
    expect(page.locator("#dry-run")).to_contain_text("2 new mentions would be stored")
    expect(page.locator("#job-errors")).to_contain_text("Line 4")
    assert not Mention.objects.exists()

    page.get_by_role("button", name="Store the new mentions").click()
    expect(page.locator("#job")).to_contain_text("Storing")
    drain_queue()
    expect(page.locator("#job-counts")).to_contain_text("2 new mentions stored")
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")

    page.get_by_role("link", name="Mentions").click()
    expect(page.locator(".mention-list")).to_contain_text("Der Deckel der Aurora klemmt")
    expect(page.locator(".mention-list")).to_contain_text("Jonas")
