"""The demo workspace is realistic and created only once."""

from __future__ import annotations

import pytest

from touchbase.care import selectors as data_selectors
from touchbase.core.models import Workspace
from touchbase.relationships import selectors
from touchbase.relationships.demo import demo_load
from touchbase.relationships.models import Account, Contact, Touchpoint

pytestmark = pytest.mark.django_db


def test_demo_builds_pollux_once_with_customers_in_four_markets():
    first = demo_load()
    second = demo_load()
    workspace = first.workspace
    assert (first.created, second.created) == (True, False)
    assert Workspace.objects.filter(slug="pollux").count() == 1
    assert Account.objects.filter(workspace=workspace).count() == 301  # one planted duplicate
    assert Contact.objects.filter(workspace=workspace).count() == 802  # two planted duplicates
    countries = set(Account.objects.values_list("country", flat=True))
    assert countries == {"DE", "AT", "CH", "IT"}
    assert Account.objects.filter(country="IT", region="Südtirol").count() == 40
    assert Touchpoint.objects.filter(workspace=workspace, is_personal=True).count() > 2500
    joseph = workspace.memberships.get(user__username="joseph").user
    assert joseph.get_full_name() == "Joseph Page"
    assert len(selectors.due_list(workspace=workspace, owner=joseph)) == 50
    assert not Contact.objects.filter(workspace=workspace, next_due_on__isnull=True).exists()
    found = data_selectors.duplicate_candidates(workspace=workspace)
    assert found.filter(kind="contact").count() >= 2
    assert found.filter(kind="account").count() >= 1
    assert workspace.vouchers.count() == 12
    assert workspace.advice.filter(region="Südtirol").count() == 1
    assert workspace.products.filter(status="on_sale").count() == 3


def test_every_template_included_by_name_exists():
    """A template moved between apps must not leave an include behind that points nowhere."""
    import re
    from pathlib import Path

    from django.template.loader import get_template

    import touchbase

    root = Path(touchbase.__file__).parent
    missing = []
    for path in root.rglob("templates/**/*.html"):
        for name in re.findall(r"{%\s*(?:include|extends)\s+[\"']([^\"']+)[\"']", path.read_text()):
            try:
                get_template(name)
            except Exception:  # noqa: BLE001 - any failure to load is what we look for
                missing.append(f"{path.relative_to(root)} → {name}")
    assert missing == []


def test_every_data_care_page_renders_with_the_demo_data(client, db):
    from django.urls import reverse

    from touchbase.core.models import User
    from touchbase.relationships.demo import demo_load

    demo_load()
    client.force_login(User.objects.get(username="helena"))
    for name in ("care:freshness", "care:duplicates", "care:voucher-list", "care:advice-list",
                 "imports:import-start", "relationships:team", "relationships:policy-list",
                 "core:members", "core:settings", "catalogue:product-list"):  # fmt: skip
        response = client.get(reverse(name))
        assert response.status_code == 200, name
