"""The cast: alice (owner) and bob (her colleague) at Pollux; carol runs another workspace."""

from __future__ import annotations

import email
import email.policy
import socket
import time
import types
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from django.core import signing as django_signing
from django.test import override_settings
from django.utils import translation
from django_scopes import scopes_disabled

from touchbase.core.choices import Role
from touchbase.core.models import Membership, Workspace
from touchbase.core.services import api_token_create, member_add, workspace_create
from touchbase.relationships.services import account_save, contact_save

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def unscoped():
    """Tests arrange and inspect rows of several workspaces directly; requests stay scoped."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing() -> Iterator[None]:
    """Hash test passwords with MD5: PBKDF2 is slow on purpose, which only slows the suite."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the default language: a request in German leaves it active."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def clock(monkeypatch):
    """Django's signer reads time.time(); this lets a test move it forward."""

    class Clock:
        # Django stores whole seconds; a whole-second clock makes ages exact.
        now = float(int(time.time()))

        def advance(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(django_signing, "time", types.SimpleNamespace(time=lambda: fake.now))
    return fake


@pytest.fixture
def workspace(db) -> Workspace:
    return workspace_create(name="Pollux GmbH", slug="pollux-test")


@pytest.fixture
def other_workspace(db) -> Workspace:
    return workspace_create(name="Castor AG", slug="castor-test")


@pytest.fixture
def alice_membership(workspace) -> Membership:
    return member_add(
        workspace=workspace, username="alice", password="alice-password-1", role=Role.OWNER,
        email="alice@pollux.example", first_name="Alice", last_name="Adler",
    )  # fmt: skip


@pytest.fixture
def alice(alice_membership):
    return alice_membership.user


@pytest.fixture
def bob_membership(workspace) -> Membership:
    return member_add(
        workspace=workspace, username="bob", password="bob-password-1", role=Role.STAFF,
        email="bob@pollux.example", first_name="Bob", last_name="Bauer",
    )  # fmt: skip


@pytest.fixture
def bob(bob_membership):
    return bob_membership.user


@pytest.fixture
def carol_membership(other_workspace) -> Membership:
    return member_add(
        workspace=other_workspace, username="carol", password="carol-password-1",
        role=Role.OWNER, email="carol@castor.example", first_name="Carol", last_name="Claus",
    )  # fmt: skip


@pytest.fixture
def carol(carol_membership):
    return carol_membership.user


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def carol_client(client, carol):
    client.force_login(carol)
    return client


@pytest.fixture
def alice_token(alice_membership) -> str:
    return api_token_create(membership=alice_membership, name="tests")[1]


@pytest.fixture
def carol_token(carol_membership) -> str:
    return api_token_create(membership=carol_membership, name="tests")[1]


class Inbox:
    """An SMTP server on loopback that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def smtp(settings) -> Inbox:
    """A real SMTP server on a free loopback port, configured as the default mailer."""
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port},
        }
    }
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "timezone_id": "Europe/Berlin"}


@pytest.fixture
def account(workspace, alice):
    return account_save(
        workspace=workspace,
        fields={"name": "Bäckerei Sonnenschein", "owner": alice, "value": 12000, "country": "DE",
                "segment": "Gastronomie"},
    )  # fmt: skip


@pytest.fixture
def contact(workspace, account, alice):
    return contact_save(
        workspace=workspace,
        fields={"first_name": "Jürgen", "last_name": "Müller", "account": account,
                "email": "juergen@sonnenschein.example", "phone": "089 1234567", "country": "DE",
                "street": "Lindenstraße 1", "postal_code": "80331", "city": "München",
                "region": "Bayern"},
    )  # fmt: skip


@pytest.fixture
def carol_account(other_workspace, carol):
    return account_save(
        workspace=other_workspace, fields={"name": "Castor Kunde", "owner": carol, "value": 1}
    )


@pytest.fixture
def carol_contact(other_workspace, carol_account, carol):
    return contact_save(
        workspace=other_workspace,
        fields={"last_name": "Geheim", "account": carol_account, "owner": carol},
    )
