"""Platform: tokens, preferences, language, workspaces, CLI set-up commands."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import trans_real

from touchbase.core.models import ApiToken, Membership, User, Workspace
from touchbase.core.services import member_add
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_digest(alice_token):
    stored = ApiToken.objects.get()
    assert stored.digest == ApiToken.digest_of(alice_token)
    assert alice_token not in (stored.digest, stored.prefix)


def test_a_revoked_token_gets_401(client, alice_client, alice_token):
    assert client.get("/api/v1/me", headers=bearer(alice_token)).status_code == 200
    token = ApiToken.objects.get()
    alice_client.post(reverse("core:token-delete", args=[token.pk]))
    assert ApiToken.objects.count() == 0
    assert client.get("/api/v1/me", headers=bearer(alice_token)).status_code == 401


def test_a_token_stops_working_when_its_user_leaves_the_workspace(client, alice, alice_token):
    Membership.objects.filter(user=alice).delete()
    assert client.get("/api/v1/me", headers=bearer(alice_token)).status_code == 401


def test_settings_page_shows_a_new_token_once(alice_client):
    response = alice_client.post(reverse("core:token-create"), {"name": "Zapier"})
    html = response.content.decode()
    secret = html.split("<code>tb_")[1].split("</code>")[0]
    assert ApiToken.objects.get().digest == ApiToken.digest_of("tb_" + secret)
    assert "tb_" + secret not in alice_client.get(reverse("core:settings")).content.decode()


def test_preferences_change_language_and_digest(alice_client, alice, alice_membership):
    response = alice_client.post(
        reverse("core:settings"), {"language": "de", "digest_frequency": "daily"}, follow=True
    )
    alice.refresh_from_db()
    alice_membership.refresh_from_db()
    assert alice.language == "de"
    assert alice_membership.digest_frequency == "daily"
    assert alice_membership.digest_next_at.hour in (6, 5)  # 07:00 Berlin in UTC
    assert "Einstellungen gespeichert." in response.content.decode()


def test_language_choice_on_the_sign_in_page_sticks_to_the_user(client, alice):
    client.post(reverse("core:language-set"), {"language": "de", "next": "/login/"})
    client.post(reverse("login"), {"username": "alice", "password": "alice-password-1"})
    alice.refresh_from_db()
    assert alice.language == "de"


def test_the_sign_in_page_offers_british_english_and_it_sticks_to_the_user(client, alice):
    # given the sign-in page, with a button for each language
    html = client.get(reverse("login")).content.decode()
    assert 'name="language" value="en-gb"' in html
    # when a visitor picks English (UK) and signs in
    client.post(reverse("core:language-set"), {"language": "en-gb", "next": "/login/"})
    client.post(reverse("login"), {"username": "alice", "password": "alice-password-1"})
    # then it is her language, and the pages speak English
    alice.refresh_from_db()
    assert alice.language == "en-gb"
    response = client.get(reverse("core:settings"))
    assert '<html lang="en-gb">' in response.content.decode()
    assert "Preferences" in response.content.decode()


def test_preferences_offer_british_english(alice_client, alice):
    response = alice_client.post(
        reverse("core:settings"), {"language": "en-gb", "digest_frequency": "off"}, follow=True
    )
    alice.refresh_from_db()
    assert alice.language == "en-gb"
    assert "Preferences saved." in response.content.decode()


def test_language_switch_refuses_foreign_redirects(client, db):
    response = client.post(
        reverse("core:language-set"), {"language": "de", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_member_cannot_switch_into_a_foreign_workspace(alice_client, other_workspace):
    response = alice_client.post(reverse("core:workspace-switch", args=[other_workspace.pk]))
    assert response.status_code == 404


def test_a_member_of_two_workspaces_can_switch(alice_client, alice, other_workspace):
    member_add(workspace=other_workspace, username="alice", password=None)
    alice_client.post(reverse("core:workspace-switch", args=[other_workspace.pk]))
    response = alice_client.get(reverse("relationships:due-list"))
    assert response.context["workspace"] == other_workspace


def test_a_signed_in_user_without_workspace_is_told_so(client, db):
    user = User.objects.create_user("loner", password="loner-password-1")
    client.force_login(user)
    response = client.get(reverse("relationships:due-list"))
    assert response.status_code == 403
    assert "not a member of any workspace" in response.content.decode()


def test_cli_creates_a_workspace_with_its_owner_and_a_member(db):
    call_command("create_workspace", "Acme GmbH", owner="anna", password="pw-anna-123")
    call_command("create_member", "acme-gmbh", "ben", role="staff", password="pw-ben-123",
                 language="de")  # fmt: skip
    workspace = Workspace.objects.get(slug="acme-gmbh")
    roles = dict(workspace.memberships.values_list("user__username", "role"))
    assert roles == {"anna": "owner", "ben": "staff"}
    assert User.objects.get(username="ben").check_password("pw-ben-123")


def test_a_bad_time_zone_is_refused(alice_client, workspace):
    response = alice_client.post(reverse("core:workspace-settings"), {
        "name": "X", "time_zone": "Mars/Olympus", "default_cadence_days": "30"})  # fmt: skip
    workspace.refresh_from_db()
    assert response.status_code == 400
    assert "Unknown time zone" in response.content.decode()
    assert workspace.name == "Pollux GmbH"


def test_staff_cannot_change_the_workspace(client, bob, workspace):
    client.force_login(bob)
    response = client.post(reverse("core:workspace-settings"), {
        "name": "Hijack", "time_zone": "Europe/Berlin", "default_cadence_days": "1"})  # fmt: skip
    workspace.refresh_from_db()
    assert response.status_code == 403
    assert workspace.name == "Pollux GmbH"


def test_the_owner_changes_a_members_role_and_removes_them(alice_client, bob_membership):
    url = reverse("core:member-change", args=[bob_membership.pk])
    alice_client.post(url, {"role": "leader"})
    bob_membership.refresh_from_db()
    assert bob_membership.role == "leader"
    alice_client.post(url, {"action": "remove"})
    assert not Membership.objects.filter(pk=bob_membership.pk).exists()


def test_the_last_owner_cannot_leave_or_step_down(alice_client, alice_membership):
    url = reverse("core:member-change", args=[alice_membership.pk])
    alice_client.post(url, {"role": "staff"})
    alice_client.post(url, {"action": "remove"})
    alice_membership.refresh_from_db()
    assert alice_membership.role == "owner"


def test_members_page_is_for_owners_and_never_another_workspace(bob, carol_client, bob_membership):
    from django.test import Client

    bob_client = Client()
    bob_client.force_login(bob)
    assert bob_client.get(reverse("core:members")).status_code == 403
    url = reverse("core:member-change", args=[bob_membership.pk])
    assert carol_client.post(url, {"action": "remove"}).status_code == 404
    assert Membership.objects.filter(pk=bob_membership.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner(workspace, alice_membership):
    import threading

    from django.db import connection, connections

    from touchbase.core.services import member_role_change

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the race needs row locks to show")
    other = member_add(workspace=workspace, username="otto", password="otto-password-1",
                       role="owner")  # fmt: skip
    barrier, results = threading.Barrier(2), []

    def demote(membership: Membership) -> None:
        barrier.wait()
        try:
            member_role_change(membership=membership, role="staff")
            results.append("demoted")
        except Exception:  # noqa: BLE001 - the refusal is the expected outcome for one
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=demote, args=(m,)) for m in (alice_membership, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["demoted", "refused"]
    assert Membership.objects.filter(workspace=workspace, role="owner").count() == 1


def test_british_english_speaks_the_source_texts_even_where_german_is_the_default(
    settings, monkeypatch
):
    # given an installation whose default language is German, with no catalogue loaded yet
    settings.LANGUAGE_CODE = "de"
    monkeypatch.setattr(trans_real, "_translations", {})
    # when a text is translated for English (UK)
    with translation.override("en-gb"):
        text = translation.gettext("Preferences saved.")
        day = formats.date_format(dt.date(2026, 11, 23), "SHORT_DATE_FORMAT")
    # then it is the English source text, with the day first
    assert text == "Preferences saved."
    assert day == "23/11/2026"
    with translation.override("de"):
        assert translation.gettext("Preferences saved.") == "Einstellungen gespeichert."
