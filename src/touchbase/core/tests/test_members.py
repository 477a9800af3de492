"""Members join by invitation; passwords are changed and reset with Django's own views."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from touchbase.core.models import Invitation, Membership, User
from touchbase.core.services import invitation_create, invitation_token

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+", body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def invite(alice_client, django_capture_on_commit_callbacks, email="dora@example.com", **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return alice_client.post(reverse("core:members"), {
            "email": email, "role": "leader", "language": "de", **extra})  # fmt: skip


def test_an_invitee_gets_a_mail_creates_an_account_and_joins(
    alice_client, workspace, smtp, django_capture_on_commit_callbacks
):
    # given an invitation sent in German
    response = invite(alice_client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    [message] = smtp.messages
    assert message["To"] == "dora@example.com"
    assert message["Subject"] == "Treten Sie Pollux GmbH auf touchbase bei"
    # when Dora opens the link and creates her account
    visitor = Client()
    url = path_of(link_in(message))
    assert "Pollux GmbH" in visitor.get(url).content.decode()
    secret = "kaffee-und-kuchen-7"
    response = visitor.post(url, {"username": "dora", "first_name": "Dora", "last_name": "Dahl",
                                  "password1": secret, "password2": secret})  # fmt: skip
    # then she is a leader of Pollux, signed in, with the invited address
    assert response["Location"] == reverse("relationships:due-list")
    membership = Membership.objects.get(workspace=workspace, user__username="dora")
    assert (membership.role, membership.user.email) == ("leader", "dora@example.com")
    assert visitor.get(reverse("relationships:due-list")).status_code == 200


def test_an_invitee_with_an_account_joins_with_it(alice_membership, carol, carol_client, workspace):
    invitation = invitation_create(
        workspace=workspace, email="carol@castor.example", role="staff", language="en",
        by=alice_membership.user,
    )  # fmt: skip
    url = reverse("core:invitation-accept", args=[invitation_token(invitation)])
    carol_client.post(url)
    assert Membership.objects.get(workspace=workspace, user=carol).role == "staff"
    assert Membership.objects.filter(user=carol).count() == 2


def test_the_members_page_never_attaches_an_existing_user_by_username(
    alice_client, carol, workspace
):
    response = alice_client.post(reverse("core:members"), {
        "username": "carol", "role": "owner", "password": "whatever-123"})  # fmt: skip
    assert response.status_code == 400
    assert not Membership.objects.filter(workspace=workspace, user=carol).exists()
    assert "carol@castor.example" not in response.content.decode()


def test_an_invitation_link_works_once(alice_membership, workspace):
    invitation = invitation_create(workspace=workspace, email="x@example.com", role="staff",
                                   language="en", by=alice_membership.user)  # fmt: skip
    url = reverse("core:invitation-accept", args=[invitation_token(invitation)])
    data = {"username": "xaver", "password1": "kaffee-und-kuchen-7",
            "password2": "kaffee-und-kuchen-7"}  # fmt: skip
    assert Client().post(url, data).status_code == 302
    again = Client().post(url, {**data, "username": "yvonne"})
    assert again.status_code == 404
    assert not User.objects.filter(username="yvonne").exists()


def test_an_expired_or_forged_invitation_is_refused(alice_membership, workspace):
    invitation = invitation_create(workspace=workspace, email="x@example.com", role="owner",
                                   language="en", by=alice_membership.user)  # fmt: skip
    token = invitation_token(invitation)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert Client().get(reverse("core:invitation-accept", args=[forged])).status_code == 404
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=invitation.created_at - Invitation.VALID_FOR - dt.timedelta(minutes=1)
    )
    assert Client().get(reverse("core:invitation-accept", args=[token])).status_code == 404


def test_a_weak_password_is_refused_when_joining(alice_membership, workspace):
    invitation = invitation_create(workspace=workspace, email="x@example.com", role="staff",
                                   language="en", by=alice_membership.user)  # fmt: skip
    url = reverse("core:invitation-accept", args=[invitation_token(invitation)])
    response = Client().post(url, {"username": "xaver", "password1": "password",
                                    "password2": "password"})  # fmt: skip
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.filter(username="xaver").exists()


def test_withdrawing_an_invitation_stops_its_link(alice_client, alice_membership, workspace):
    invitation = invitation_create(workspace=workspace, email="x@example.com", role="staff",
                                   language="en", by=alice_membership.user)  # fmt: skip
    token = invitation_token(invitation)
    alice_client.post(reverse("core:invitation-revoke", args=[invitation.pk]))
    assert Client().get(reverse("core:invitation-accept", args=[token])).status_code == 404


def test_staff_cannot_invite(client, bob, workspace):
    client.force_login(bob)
    response = client.post(reverse("core:members"), {"email": "x@example.com", "role": "owner",
                                                     "language": "en"})  # fmt: skip
    assert response.status_code == 403
    assert Invitation.objects.count() == 0


def test_the_cli_refuses_a_weak_password(workspace):
    with pytest.raises(CommandError, match="too common"):
        call_command("create_member", workspace.slug, "ben", password="password")
    assert not User.objects.filter(username="ben").exists()


def test_a_forgotten_password_is_reset_by_mail_in_the_users_language(client, alice, smtp):
    alice.language = "de"
    alice.save()
    client.post(reverse("password_reset"), {"email": "alice@pollux.example"})
    [message] = smtp.messages
    assert message["Subject"] == "Neues touchbase-Passwort wählen"
    url = path_of(link_in(message))
    form_url = client.get(url)["Location"]
    response = client.post(form_url, {"new_password1": "neue-sonne-88-tee",
                                      "new_password2": "neue-sonne-88-tee"})  # fmt: skip
    assert response["Location"] == reverse("password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password("neue-sonne-88-tee")


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db, smtp):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("password_reset_done")
    assert smtp.messages == []


def test_a_member_changes_their_password(alice_client, alice):
    response = alice_client.post(reverse("password_change"), {
        "old_password": "alice-password-1", "new_password1": "rote-beete-77-saft",
        "new_password2": "rote-beete-77-saft"})  # fmt: skip
    assert response["Location"] == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("rote-beete-77-saft")


def test_the_api_invites_lists_and_withdraws(client, alice_token, workspace, smtp,
                                              django_capture_on_commit_callbacks):  # fmt: skip
    from touchbase.testing import bearer

    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/invitations", {"email": "eva@example.com", "role": "staff"},
            content_type="application/json", headers=bearer(alice_token),
        )  # fmt: skip
    assert created.status_code == 201
    assert [m["To"] for m in smtp.messages] == ["eva@example.com"]
    listed = client.get("/api/v1/invitations", headers=bearer(alice_token)).json()
    assert [i["email"] for i in listed] == ["eva@example.com"]
    gone = client.delete(f"/api/v1/invitations/{created.json()['id']}", headers=bearer(alice_token))
    assert gone.status_code == 204
    assert Invitation.objects.count() == 0


def test_the_api_changes_a_role_and_refuses_removing_the_last_owner(
    client, alice_token, alice_membership, bob_membership
):
    from touchbase.testing import bearer

    url = f"/api/v1/members/{bob_membership.pk}"
    changed = client.patch(url, {"role": "leader"}, content_type="application/json",
                           headers=bearer(alice_token))  # fmt: skip
    assert changed.json()["role"] == "leader"
    refused = client.delete(f"/api/v1/members/{alice_membership.pk}", headers=bearer(alice_token))
    assert refused.status_code == 422
    assert Membership.objects.filter(pk=alice_membership.pk).exists()


def test_settings_link_to_the_sections_the_member_may_use(alice_client, client, bob):
    members_url = reverse("core:members")
    assert members_url in alice_client.get(reverse("core:settings")).content.decode()
    client.force_login(bob)
    assert members_url not in client.get(reverse("core:settings")).content.decode()
