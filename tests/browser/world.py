"""What the browser journeys share: the Pollux workspace and signing in through the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page

from touchbase.core.choices import Role
from touchbase.core.services import member_add, workspace_create
from touchbase.relationships.choices import Channel
from touchbase.relationships.services import account_save, contact_save, touchpoint_log


def pollux_world(*, role: Role, slug: str) -> dict[str, Any]:
    """A workspace with joseph in the role, one overdue contact and one account."""
    workspace = workspace_create(name="Pollux GmbH", slug=slug)
    joseph = member_add(workspace=workspace, username="joseph", password="pollux-demo",
                        role=role, first_name="Joseph", last_name="Page").user  # fmt: skip
    account = account_save(workspace=workspace, fields={
        "name": "Hotel Alpenblick", "owner": joseph, "value": 50000, "country": "AT",
        "city": "Innsbruck", "region": "Tirol"})  # fmt: skip
    contact = contact_save(workspace=workspace, fields={
        "first_name": "Maria", "last_name": "Hofer", "account": account, "country": "AT",
        "phone": "0512 123456", "email": "maria@alpenblick.example", "street": "Alte Gasse 1",
        "postal_code": "6020", "city": "Innsbruck"})  # fmt: skip
    long_ago = timezone.now() - dt.timedelta(days=400)
    touchpoint_log(workspace=workspace, contact=contact, channel=Channel.PHONE,
                   occurred_at=long_ago, logged_by=joseph)  # fmt: skip
    return {"workspace": workspace, "joseph": joseph, "account": account, "contact": contact}


def sign_in(page: Page, base_url: str, language: str = "EN") -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_role("button", name=language, exact=True).click()
    page.locator("#id_username").fill("joseph")
    page.locator("#id_password").fill("pollux-demo")
    page.locator("button[type=submit]").last.click()


def signed_in_page(browser: Any, context_args: dict[str, Any], base_url: str, username: str,
                   password: str, language: str = "EN") -> Page:  # fmt: skip
    """A browser context of its own, signed in through the form. axe is injected as a script,
    which the CSP would block: these contexts bypass it."""
    context = browser.new_context(**{**context_args, "bypass_csp": True})
    page = context.new_page()
    page.goto(f"{base_url}/login/")
    page.get_by_role("button", name=language, exact=True).click()
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return page
