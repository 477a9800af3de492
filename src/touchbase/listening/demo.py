"""Demo data of listening: sources, four months of reviews, a launch yesterday, a queue.

The Castor grinder collects poor ratings (the rules propose it for removal), the Nova mixer
launched a day ago and its reception turns sour in the last hours, some reviews come from
known customers (on their timelines), and a handful of negative ones wait for an answer.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from touchbase.catalogue.models import Product
from touchbase.core.models import Membership, User, Workspace
from touchbase.listening.ingest import Draft, drafts_store
from touchbase.listening.invitations import delivery_record
from touchbase.listening.models import Source
from touchbase.listening.rules import rules_run
from touchbase.listening.services import source_save
from touchbase.listening.understanding import mentions_analyse
from touchbase.relationships.models import Contact

PRAISE = [
    ("{p} macht genau, was er soll. Sehr zufrieden!", 5),
    ("Schnelle Lieferung, der {p} funktioniert einwandfrei.", 5),
    ("Solide Verarbeitung, der {p} ist sein Geld wert.", 4),
    ("Great value, the {p} works perfectly.", 5),
    ("Der Kundenservice hat mir beim {p} sofort geholfen, danke!", 5),
]
MIDDLE = [
    ("Der {p} ist okay, nichts Besonderes.", 3),
    ("Funktioniert, aber die Anleitung zum {p} ist dürftig.", 3),
    ("It does the job, the {p} is a bit loud though.", 3),
]
COMPLAINTS = [
    ("Der {p} ist nach zwei Wochen kaputt gegangen. Sehr enttäuscht.", 1),
    ("Viel zu laut und der Deckel vom {p} klemmt. Nicht zu empfehlen.", 2),
    ("Lieferung kam beschädigt an, der {p} hat einen Riss.", 1),
    ("Stopped working after a week. The {p} is a waste of money.", 1),
    ("Kein Rückruf vom Service, der {p} steht jetzt ungenutzt herum.", 2),
]
AUTHORS = ["Maria K.", "Jonas B.", "Sabine", "T. Wagner", "Ayşe Y.", "Peter", "Lena M.",
           "Chris", "Jürgen H.", "Anna-Lena", "M. Rossi", "Sophie L."]  # fmt: skip
# product name → (mentions over the last 120 days, chance of a complaint)
HISTORY = {"Wasserkocher Aurora": (70, 0.1), "Toaster Borealis": (45, 0.2),
           "Kaffeemühle Castor": (30, 0.9)}  # fmt: skip


def demo_listening(*, workspace: Workspace, team: dict[str, Membership], rng: random.Random,
                   **_: Any) -> None:  # fmt: skip
    """Sources and mentions, read as the worker reads them; once per workspace."""
    if Source.objects.filter(workspace=workspace).exists():
        return
    joseph = team["joseph"].user if "joseph" in team else None
    google = source_save(workspace=workspace, name="Google-Bewertungen", kind="upload",
                         channel="Google", owner=joseph)  # fmt: skip
    shop = source_save(workspace=workspace, name="Shop-Bewertungen", kind="webhook",
                       channel="Shop", owner=joseph)  # fmt: skip
    products = {product.name: product for product in Product.objects.filter(workspace=workspace)}
    customers = list(Contact.objects.filter(workspace=workspace).exclude(email="")[:40])
    now = timezone.now()
    drafts: list[tuple[Source, Draft]] = []
    for name, (count, bad) in HISTORY.items():
        if name in products:
            for _number in range(count):
                moment = now - dt.timedelta(days=rng.uniform(2, 120))
                drafts.append((rng.choice([google, shop]),
                               _draft(rng, products[name], moment, bad, customers)))  # fmt: skip
    nova = products.get("Standmixer Nova")
    if nova and nova.launched_at:
        drafts += [(shop, draft) for draft in _launch(rng, nova, now, customers)]
    with transaction.atomic():
        for source in (google, shop):
            drafts_store(
                source=source, drafts=[draft for where, draft in drafts if where == source]
            )
    mentions_analyse(workspace_id=workspace.pk)
    # As the worker would after analysing: Castor is proposed, Nova's launch may alert.
    rules_run(workspace=workspace)
    _deliveries(workspace, customers[:3], products.get("Wasserkocher Aurora"), joseph)


def _deliveries(
    workspace: Workspace, customers: list[Contact], product: Product | None, by: User | None
) -> None:
    """A few deliveries recorded: the worker sends their review invitations."""
    for contact in customers:
        delivery_record(workspace=workspace, contact=contact, product=product, by=by)


def _draft(rng: random.Random, product: Product, moment: dt.datetime, bad: float,
           customers: list[Contact]) -> Draft:  # fmt: skip
    roll = rng.random()
    pool = COMPLAINTS if roll < bad else MIDDLE if roll < bad + 0.15 else PRAISE
    template, stars = rng.choice(pool)
    alias = rng.choice([product.name, *product.aliases])
    customer = rng.choice(customers) if customers and rng.random() < 0.15 else None
    with_stars = rng.random() < 0.8
    answered = stars <= 2 and rng.random() < 0.6
    return Draft(
        published_at=moment,
        text=template.format(p=alias),
        stars=float(stars) if with_stars else None,
        author=customer.full_name if customer else rng.choice(AUTHORS),
        author_email=customer.email.casefold() if customer else "",
        reply_text="Das tut uns leid – wir melden uns persönlich bei Ihnen." if answered else "",
        replied_at=moment + dt.timedelta(hours=rng.randint(2, 30)) if answered else None,
        external_id=f"demo-{rng.getrandbits(48)}",
    )


def _launch(rng: random.Random, product: Product, now: dt.datetime,
            customers: list[Contact]) -> list[Draft]:  # fmt: skip
    """A day since launch: a warm start, then complaints pile up in the last three hours."""
    launched = product.launched_at or now
    drafts = []
    hours = max(1, int((now - launched).total_seconds() // 3600))
    for hour in range(hours):
        late = hour >= hours - 3
        for _number in range(rng.randint(3, 6) if late else rng.randint(0, 3)):
            moment = launched + dt.timedelta(hours=hour, minutes=rng.randint(0, 59))
            drafts.append(_draft(rng, product, min(moment, now), 0.7 if late else 0.15, customers))
    return drafts
