from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from touchbase.relationships.services import account_save, contact_save


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


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
