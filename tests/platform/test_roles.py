"""Who may do what: roles map to capabilities, deny by default, checked on every route."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.platform.test_isolation import MEMBER_ONLY, PUBLIC, _fill, _operations, _routes
from touchbase.core.capabilities import ROLE_CAPABILITIES, Capability, role_has
from touchbase.core.services import api_token_create, member_add
from touchbase.relationships.models import Contact
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db

CRM = {
    Capability.CRM_VIEW, Capability.CRM_EDIT, Capability.CRM_DELETE, Capability.CADENCE_MANAGE,
    Capability.IMPORT, Capability.EXPORT_ALL, Capability.MERGE, Capability.VOUCHER_ISSUE,
    Capability.ADVICE_MANAGE, Capability.PERSONAL_DATA, Capability.ERASE,
}  # fmt: skip


@pytest.mark.parametrize(
    ("capability", "roles"),
    [
        (Capability.ERASE, {"owner"}),
        (Capability.MERGE, {"owner", "leader"}),
        (Capability.CRM_DELETE, {"owner", "leader"}),
        (Capability.EXPORT_ALL, {"owner", "leader"}),
        (Capability.CADENCE_MANAGE, {"owner", "leader"}),
        (Capability.MEMBERS_MANAGE, {"owner"}),
        (Capability.SETTINGS_MANAGE, {"owner"}),
        (Capability.VOUCHER_ISSUE, {"owner", "leader", "staff"}),
        (Capability.CRM_VIEW, {"owner", "leader", "staff"}),
        (Capability.CATALOGUE_MANAGE, {"owner", "leader"}),
        (Capability.COMMUNITY_MANAGE, {"owner", "community_manager"}),
    ],
)
def test_the_decided_roles_hold_each_capability(capability, roles):
    assert {role for role in ROLE_CAPABILITIES if role_has(role, capability)} == roles


def test_an_unknown_role_or_capability_grants_nothing():
    assert not role_has("admin", Capability.CRM_VIEW)
    assert not role_has("owner", "crm.everything")


def test_helpers_and_community_managers_hold_no_crm_capability():
    for role in ("helper", "community_manager"):
        assert ROLE_CAPABILITIES[role] & CRM == set()


@pytest.fixture
def outsider(workspace, contact):
    """A helper of Pollux: a member, yet never someone who sees the CRM."""
    return member_add(workspace=workspace, username="hugo", password="hugo-password-1",
                      role="helper")  # fmt: skip


def test_a_helper_reaches_no_screen_of_the_crm(outsider, contact):
    browser = Client()
    browser.force_login(outsider.user)
    for name, route, converters, _view in _routes():
        if name in PUBLIC | MEMBER_ONLY:
            continue
        url = _fill(route, converters, [contact.pk])[0]
        assert browser.get(url).status_code in (403, 405), url
    assert "Müller" not in browser.get(reverse("relationships:contact-list")).content.decode()


def test_a_helper_reaches_no_api_operation_of_the_crm(outsider, client, contact):
    token = api_token_create(membership=outsider, name="t")[1]
    before = Contact.objects.count()
    for path, method, operation in _operations():
        if path.startswith("/api/v1/me"):
            continue
        url = path
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                schema = parameter["schema"]
                value = schema.get("enum", [contact.pk])[0]
                url = url.replace("{" + parameter["name"] + "}", str(value))
        response = getattr(client, method)(url, {}, content_type="application/json",
                                           headers=bearer(token))  # fmt: skip
        assert response.status_code in (403, 422), (method, url, response.status_code)
    assert Contact.objects.count() == before


@pytest.mark.parametrize(("role", "expected"), [("staff", 403), ("leader", 403), ("owner", 302)])
def test_only_owners_erase_a_person(workspace, contact, role, expected):
    member = member_add(workspace=workspace, username=f"u-{role}", password="pw-123456789",
                        role=role)  # fmt: skip
    browser = Client()
    browser.force_login(member.user)
    response = browser.post(reverse("care:contact-erase", args=[contact.pk]))
    assert response.status_code == expected
    assert (Contact.objects.get(pk=contact.pk).erased_at is not None) == (expected == 302)


@pytest.mark.parametrize(("role", "expected"), [("staff", 403), ("leader", 200)])
def test_staff_do_not_export_everything_leaders_do(workspace, contact, role, expected):
    member = member_add(workspace=workspace, username=f"u-{role}", password="pw-123456789",
                        role=role)  # fmt: skip
    browser = Client()
    browser.force_login(member.user)
    response = browser.get(reverse("imports:contact-export") + "?format=csv")
    assert response.status_code == expected
