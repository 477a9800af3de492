"""API tokens: one statement finds the member and workspace; nothing else gets through."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from touchbase.core.models import ApiToken, Membership
from touchbase.core.services import api_token_create, member_add, member_remove
from touchbase.core.tenancy import membership_for_token
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db


def test_a_token_gives_its_member_workspace_and_user_as_the_orm_would(alice_membership,
                                                                       alice_token):  # fmt: skip
    found = membership_for_token(alice_token)
    expected = Membership.objects.select_related("workspace", "user").get(pk=alice_membership.pk)
    assert found is not None
    for model_field in Membership._meta.concrete_fields:
        assert getattr(found, model_field.attname) == getattr(expected, model_field.attname)
    assert (found.workspace.slug, found.workspace.home_country) == ("pollux-test", "DE")
    assert found.workspace.created_at == expected.workspace.created_at
    assert timezone.is_aware(found.workspace.created_at)
    assert (found.user.username, found.user.is_active, found.user.language) == (
        "alice", True, expected.user.language)  # fmt: skip
    assert found.user.date_joined == expected.user.date_joined


def test_use_is_stamped_once_in_five_minutes(alice_token):
    membership_for_token(alice_token)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    membership_for_token(alice_token)
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - dt.timedelta(minutes=6))
    membership_for_token(alice_token)
    assert ApiToken.objects.get().last_used_at > first


def test_tokens_of_deactivated_or_removed_members_open_nothing(
    client, workspace, alice, alice_token
):
    bob = member_add(workspace=workspace, username="bobby", password=None, role="staff")
    _, bobs_token = api_token_create(membership=bob, name="b")
    assert client.get("/api/v1/contacts", headers=bearer(bobs_token)).status_code == 200
    member_remove(membership=bob)
    assert membership_for_token(bobs_token) is None
    assert client.get("/api/v1/contacts", headers=bearer(bobs_token)).status_code == 401
    alice.is_active = False
    alice.save()
    assert membership_for_token(alice_token) is None
    assert client.get("/api/v1/contacts", headers=bearer(alice_token)).status_code == 401
    assert membership_for_token("tb_nonsense") is None
