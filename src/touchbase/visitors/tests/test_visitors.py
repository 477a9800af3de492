"""Visitor identity: confirmation links (expired, reused, forged, another workspace's),
device memory, rate limits, blocks, and the visitor's data in export and erasure."""

from __future__ import annotations

import types

import pytest
from django.test import Client
from django.urls import reverse

from touchbase.core.signing import link_sign
from touchbase.visitors import services
from touchbase.visitors.models import PublicAttempt, Visitor, VisitorDevice

pytestmark = pytest.mark.django_db


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


@pytest.fixture
def visitor(workspace):
    visitor = services.visitor_for_email(workspace=workspace, email=" Eva@Example.COM ")
    visitor.name = "Eva"
    visitor.save()
    return visitor


def test_an_address_is_one_visitor_however_it_is_typed(workspace, visitor):
    again = services.visitor_for_email(workspace=workspace, email="eva@example.com")
    assert again.pk == visitor.pk
    assert visitor.email == "eva@example.com"
    assert not visitor.is_confirmed


def test_following_the_link_confirms_and_remembers_the_browser(workspace, visitor, client):
    link = services.confirmation_link(visitor=visitor, next_path="/ideas/pollux-test/")
    # a GET (a mail scanner checking the link) changes nothing
    assert client.get(_path(link)).status_code == 200
    assert not Visitor.objects.get(pk=visitor.pk).is_confirmed
    response = client.post(_path(link))
    assert response.status_code == 303
    assert response["Location"] == "/ideas/pollux-test/"
    assert Visitor.objects.get(pk=visitor.pk).is_confirmed
    cookie = response.cookies[services.cookie_name(workspace)]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # only a hash of the token is stored
    device = VisitorDevice.objects.get(visitor=visitor)
    assert device.token_hash != cookie.value
    assert len(device.token_hash) == 64
    request = types.SimpleNamespace(COOKIES={cookie.key: cookie.value})
    assert services.visitor_from_request(request, workspace=workspace) == visitor


def test_a_used_link_is_refused(workspace, visitor):
    link = services.confirmation_link(visitor=visitor, next_path="/")
    assert Client().post(_path(link)).status_code == 303
    again = Client().post(_path(link))
    assert again.status_code == 404
    assert "already used" in again.content.decode()
    assert VisitorDevice.objects.filter(visitor=visitor).count() == 1


def test_a_newer_link_replaces_an_older_one(visitor):
    older = services.confirmation_link(visitor=visitor, next_path="/")
    newer = services.confirmation_link(visitor=visitor, next_path="/")
    assert Client().post(_path(older)).status_code == 404
    assert Client().post(_path(newer)).status_code == 303


def test_an_expired_link_is_refused(visitor, client, clock):
    link = services.confirmation_link(visitor=visitor, next_path="/")
    clock.now += services.LINK_LIFETIME.total_seconds() + 1
    response = client.post(_path(link))
    assert response.status_code == 404
    assert "expired" in response.content.decode()
    assert not Visitor.objects.get(pk=visitor.pk).is_confirmed


def test_a_forged_link_is_refused(visitor, client):
    link = services.confirmation_link(visitor=visitor, next_path="/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = link_sign(
        purpose="visitor-confirm-x", payload={"v": visitor.pk}, max_age=services.LINK_LIFETIME
    )
    for bad in (token[:-4] + "AAAA", forged, "x" * 600):
        response = client.post(f"/v/{visitor.workspace.slug}/confirm/{bad}/")
        assert response.status_code == 404
    assert not Visitor.objects.get(pk=visitor.pk).is_confirmed


def test_another_workspaces_link_is_refused(visitor, other_workspace, client):
    link = services.confirmation_link(visitor=visitor, next_path="/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    response = client.post(f"/v/{other_workspace.slug}/confirm/{token}/")
    assert response.status_code == 404
    assert not Visitor.objects.get(pk=visitor.pk).is_confirmed


@pytest.mark.parametrize(
    "next_path",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"],
)
def test_the_link_never_sends_anyone_to_another_site(visitor, client, next_path):
    link = services.confirmation_link(visitor=visitor, next_path=next_path)
    response = client.post(_path(link))
    assert response.status_code == 200
    assert "Location" not in response


def test_rate_limits_count_per_address_and_per_email(workspace, rf):
    request = rf.post("/", REMOTE_ADDR="203.0.113.9")
    limit = services.LIMITS["idea"]
    results = [
        services.attempt_allowed(request, workspace=workspace, action="idea", email="a@example.com")
        for _ in range(limit.per_email + 1)
    ]
    assert results[: limit.per_email] == [True] * limit.per_email
    assert results[-1] is False
    # another address from the same IP still has room until the IP's own limit
    assert services.attempt_allowed(
        request, workspace=workspace, action="idea", email="b@example.com"
    )
    other_ip = rf.post("/", REMOTE_ADDR="198.51.100.1")
    assert not services.attempt_allowed(
        other_ip, workspace=workspace, action="idea", email="a@example.com"
    )
    # only what was allowed is counted
    assert PublicAttempt.objects.filter(action="idea").count() == 2 * (limit.per_email + 1)


def test_a_blocked_address_may_not_write(workspace):
    blocked = services.visitor_block(workspace=workspace, email="Spam@Example.com", reason="spam")
    assert blocked.is_blocked
    assert blocked.email == "spam@example.com"
    with pytest.raises(services.VisitorBlocked):
        services.writer_check(blocked)
    services.visitor_unblock(visitor=blocked)
    services.writer_check(blocked)


def test_a_blocked_visitor_confirming_is_not_remembered(workspace, client):
    blocked = services.visitor_block(workspace=workspace, email="spam@example.com")
    link = services.confirmation_link(visitor=blocked, next_path="/")
    response = client.post(_path(link))
    assert services.cookie_name(workspace) not in response.cookies
    assert not VisitorDevice.objects.filter(visitor=blocked).exists()


def test_export_and_erasure_through_the_contact(workspace, visitor, contact):
    from touchbase.core import registry

    contact.email = "EVA@example.com"
    contact.save()
    handler = registry.personal_data.get("visitors")
    assert handler is not None
    exported = handler.export(contact)
    assert exported[0]["email"] == "eva@example.com"
    assert exported[0]["name"] == "Eva"
    handler.erase(contact)
    assert not Visitor.objects.filter(pk=visitor.pk).exists()


def test_signing_out_forgets_the_browser(workspace, visitor, client):
    link = services.confirmation_link(visitor=visitor, next_path="/")
    client.post(_path(link))
    assert VisitorDevice.objects.filter(visitor=visitor).exists()
    response = client.post(
        reverse("ideas:portal-me", args=[workspace.slug]), {"action": "sign-out"}
    )
    assert response.status_code == 302
    assert not VisitorDevice.objects.filter(visitor=visitor).exists()
