"""Demo data of data care: regional advice, vouchers and duplicates an import left behind."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from touchbase.care.models import DuplicateScan, RegionalAdvice, Voucher
from touchbase.care.services import (
    VOUCHER_ISSUED,
    VOUCHER_REDEEMED,
    duplicate_scan_run,
    voucher_on_timeline,
)
from touchbase.core.models import Membership, Workspace
from touchbase.relationships.factories import AccountFactory, ContactFactory
from touchbase.relationships.models import Account, Contact

ADVICE = [
    ("DE", "Bayern", "Digitalbonus Bayern", "Zuschuss für Digitalisierung und IT-Sicherheit "
     "kleiner Unternehmen.", "https://www.digitalbonus.bayern"),
    ("AT", "Tirol", "Tiroler Digitalisierungsförderung", "Förderung für Beratung und "
     "Umsetzung von Digitalisierungsprojekten.", "https://www.tirol.gv.at"),
    ("IT", "Südtirol", "Beiträge für Beratung in Südtirol", "Das Land Südtirol fördert "
     "externe Beratungen für Kleinbetriebe.", "https://www.provinz.bz.it"),
    ("CH", "Freiburg", "Kanton Freiburg: Innovationsgutschein", "Gutschein für "
     "Zusammenarbeit mit Forschungseinrichtungen.", "https://www.fr.ch"),
    ("DE", "", "Neue Aufbewahrungsfristen", "Buchungsbelege nur noch acht Jahre "
     "aufbewahren.", ""),
]  # fmt: skip


def demo_care(*, workspace: Workspace, team: dict[str, Membership], rng: random.Random) -> None:
    """Regional advice, a few vouchers, and duplicates an import left behind, found already."""
    today = timezone.localdate()
    for country, region, title, body, link in ADVICE:
        RegionalAdvice.objects.create(
            workspace=workspace, country=country, region=region, title=title, body=body,
            link=link, valid_from=today - dt.timedelta(days=60),
            valid_until=today + dt.timedelta(days=rng.randint(60, 400)),
        )  # fmt: skip
    contacts = list(Contact.objects.filter(workspace=workspace).order_by("pk"))
    joseph = team["joseph"].user
    for index, contact in enumerate(rng.sample(contacts, 12)):
        voucher = Voucher.objects.create(
            workspace=workspace, code=f"POL-{index:02d}{rng.randint(10, 99)}-DEMO",
            value=rng.choice([50, 100, 150, 250]), contact=contact, account=contact.account,
            note="Beratung vor Ort", valid_until=today + dt.timedelta(days=rng.randint(-30, 180)),
            issued_by=joseph,
        )  # fmt: skip
        voucher_on_timeline(voucher=voucher, kind=VOUCHER_ISSUED, by=joseph)
        if index % 3 == 0:
            voucher.redeemed_at, voucher.redeemed_by = timezone.now(), joseph
            voucher.order_reference = f"A-{2026000 + index}"
            voucher.save()
            voucher_on_timeline(voucher=voucher, kind=VOUCHER_REDEEMED, by=joseph)
    for original in rng.sample(contacts, 2):
        ContactFactory.create(
            workspace=workspace, account=original.account, owner=original.owner,
            value=original.value, first_name=original.first_name, last_name=original.last_name,
            email=original.email.upper(), country=original.country, city=original.city,
        )  # fmt: skip
    # An account entered twice, once with its legal form: found by name and address.
    account = rng.choice(list(Account.objects.filter(workspace=workspace).order_by("pk")))
    AccountFactory.create(
        workspace=workspace, name=f"{account.name} GmbH", owner=account.owner,
        country=account.country, city=account.city, postal_code=account.postal_code,
        street=account.street, segment=account.segment, value=account.value,
    )  # fmt: skip
    # The demo shows the duplicates at once, as the worker would after an import.
    duplicate_scan_run(scan=DuplicateScan.objects.create(workspace=workspace, trigger="demo"))
