"""Import journey in real Chromium: upload, read the dry run, fix the mapping, import."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from touchbase.core.choices import Role
from touchbase.core.services import member_add, workspace_create
from touchbase.relationships.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def drain_queue() -> None:
    """What the worker does beside the web server: run every queued task."""
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


CSV = (
    "Kundenliste;;;\r\n"
    "Firma;Vorname;Nachname;Telefon;Mail\r\n"
    "Hotel Post;Maria;Hofer;0512 123456;maria@post.example\r\n"
    "Hotel Post;Karl;Höfer;0512 654321;karl@post.example\r\n"
).encode("cp1252")


def test_upload_dry_run_and_import(page: Page, live_server, tmp_path):
    workspace = workspace_create(name="Pollux GmbH", slug="pollux-import")
    member_add(workspace=workspace, username="joseph", password="pollux-demo", role=Role.LEADER)
    path = tmp_path / "kunden.csv"
    path.write_bytes(CSV)
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("joseph")
    page.locator("#id_password").fill("pollux-demo")
    page.locator("button[type=submit]").last.click()
    page.goto(f"{live_server.url}/import/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Check file").click()
    # then: the page waits for the worker, and shows the dry run once it has run
    expect(page.locator("#import-progress")).to_contain_text("Waiting to be checked")
    drain_queue()
    expect(page.locator("#import-summary")).to_contain_text("Dry run")
    expect(page.locator("#import-summary")).to_contain_text("Windows-1252")
    assert Contact.objects.count() == 0
    # when the unknown "Mail" column is mapped by hand and the import confirmed
    mail = page.locator("label", has_text="Mail").locator("xpath=..").locator("select")
    mail.select_option("email")
    page.get_by_role("button", name="Check again with this mapping").click()
    expect(page.locator("#import-progress")).to_be_visible()
    drain_queue()
    page.locator("#confirm-import").click()
    expect(page.locator("#import-progress")).to_contain_text("Being imported")
    drain_queue()
    expect(page.locator("#import-summary")).to_contain_text("Imported")
    assert sorted(Contact.objects.values_list("email", flat=True)) == [
        "karl@post.example", "maria@post.example"]  # fmt: skip


WITH_ERRORS = (
    "Firma;Vorname;Nachname;Telefon;Mail;Kundennummer\r\n"
    "Hotel Post;Maria;Hofer;0512 123456;maria@post.example;K-1\r\n"
    ";;;;nobody@example.com;K-2\r\n"
    "Hotel Post;Karl;Höfer;bitte nachfragen;n/a;K-3\r\n"
).encode()


def test_skip_the_rows_with_errors_and_download_them(page: Page, live_server, tmp_path):
    workspace = workspace_create(name="Pollux GmbH", slug="pollux-import-errors")
    member_add(workspace=workspace, username="joseph", password="pollux-demo", role=Role.LEADER)
    path = tmp_path / "kunden.csv"
    path.write_bytes(WITH_ERRORS)
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("joseph")
    page.locator("#id_password").fill("pollux-demo")
    page.locator("button[type=submit]").last.click()
    page.goto(f"{live_server.url}/import/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Check file").click()
    drain_queue()
    # then: the dry run names the row with an error, the warnings and the unmapped column
    summary = page.locator("#import-summary")
    expect(summary).to_contain_text("Dry run")
    expect(page.locator("#import-unmapped")).to_contain_text(
        "These columns are not imported: Kundennummer (3 values)."
    )
    expect(page.locator("#import-errors")).to_contain_text("Neither a name nor a company.")
    expect(page.locator("#import-warnings")).to_contain_text("bitte nachfragen")
    expect(page.locator("#confirm-import")).to_have_count(0)
    # when the rows with errors are downloaded
    with page.expect_download() as download:
        page.locator("#download-error-rows").click()
    rows = download.value.path().read_bytes().decode("utf-8")
    assert rows.startswith("\ufeff")
    assert "nobody@example.com;K-2;3;Neither a name nor a company." in rows
    # and the others imported without them
    page.locator("#confirm-skip-errors").click()
    expect(page.locator("#import-progress")).to_contain_text("Being imported")
    drain_queue()
    expect(summary).to_contain_text("Imported")
    expect(page.locator("#import-skipped")).to_contain_text("1 row with errors was left out.")
    assert sorted(Contact.objects.values_list("last_name", flat=True)) == ["Hofer", "Höfer"]
    assert Contact.objects.get(last_name="Höfer").notes == "Telefon: bitte nachfragen"
