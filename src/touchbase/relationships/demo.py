"""The demo workspace "Pollux": customers across DE, AT, CH and South Tyrol with a year of contact.

Built with the same factories the tests use, so demo and tests cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from faker import Faker

from touchbase.core import registry
from touchbase.core.capabilities import Capability, role_has
from touchbase.core.choices import DigestFrequency, Language, Role
from touchbase.core.models import Membership, Workspace
from touchbase.core.services import member_add, workspace_create
from touchbase.core.tenancy import workspace_scope
from touchbase.relationships.choices import (
    Channel,
    CheckinAnswer,
    CheckinQuestion,
    ConsentStatus,
    Direction,
    Outcome,
    PolicyScope,
    TouchpointSource,
)
from touchbase.relationships.factories import (
    AccountFactory,
    ContactFactory,
    TouchpointFactory,
    random_phone,
)
from touchbase.relationships.models import (
    REACHED,
    Account,
    CadencePolicy,
    Contact,
    NewsletterConsent,
    Touchpoint,
    TouchpointParticipant,
)
from touchbase.relationships.services import cadence_recompute, tags_from_names, touchpoint_log

DEMO_SLUG = "pollux"
DEMO_USERNAME = "joseph"
DEMO_PASSWORD = "pollux-demo"

# (city, postal code, region) per market; South Tyrol is Italy's province of Bolzano.
PLACES = {
    "DE": [
        ("München", "80331", "Bayern"), ("Nürnberg", "90402", "Bayern"),
        ("Augsburg", "86150", "Bayern"), ("Stuttgart", "70173", "Baden-Württemberg"),
        ("Freiburg im Breisgau", "79098", "Baden-Württemberg"),
        ("Köln", "50667", "Nordrhein-Westfalen"),
        ("Düsseldorf", "40213", "Nordrhein-Westfalen"), ("Hamburg", "20095", "Hamburg"),
        ("Berlin", "10117", "Berlin"), ("Leipzig", "04109", "Sachsen"),
        ("Dresden", "01067", "Sachsen"), ("Frankfurt am Main", "60311", "Hessen"),
        ("Hannover", "30159", "Niedersachsen"),
    ],
    "AT": [
        ("Wien", "1010", "Wien"), ("Graz", "8010", "Steiermark"), ("Innsbruck", "6020", "Tirol"),
        ("Salzburg", "5020", "Salzburg"), ("Linz", "4020", "Oberösterreich"),
        ("Kitzbühel", "6370", "Tirol"), ("Bregenz", "6900", "Vorarlberg"),
    ],
    "CH": [
        ("Zürich", "8001", "Zürich"), ("Bern", "3011", "Bern"), ("Basel", "4051", "Basel-Stadt"),
        ("Freiburg", "1700", "Freiburg"), ("Luzern", "6003", "Luzern"),
        ("St. Gallen", "9000", "St. Gallen"),
    ],
    "IT": [
        ("Bozen", "39100", "Südtirol"), ("Meran", "39012", "Südtirol"),
        ("Brixen", "39042", "Südtirol"), ("Bruneck", "39031", "Südtirol"),
    ],
}  # fmt: skip
MARKETS = [("DE", 150, "de_DE"), ("AT", 60, "de_AT"), ("CH", 50, "de_CH"), ("IT", 40, "de_AT")]
SEGMENTS = ["Hotel", "Gastronomie", "Einzelhandel", "Handwerk", "Gesundheit", "Öffentliche Hand"]
TEAM = [
    # username, first, last, role, job title, language
    ("helena", "Helena", "Pollux", Role.OWNER, "Geschäftsführerin", Language.GERMAN),
    ("markus", "Markus", "Weber", Role.LEADER, "Technischer Leiter", Language.GERMAN),
    (DEMO_USERNAME, "Joseph", "Page", Role.LEADER, "Sales Manager", Language.ENGLISH),
    ("anna", "Anna", "Berger", Role.STAFF, "Kundenservice Österreich", Language.GERMAN),
    ("luca", "Luca", "Mair", Role.STAFF, "Vertrieb Südtirol", Language.GERMAN),
    ("sophie", "Sophie", "Keller", Role.STAFF, "Vertrieb Schweiz", Language.GERMAN),
    ("lena", "Lena", "Schmid", Role.COMMUNITY_MANAGER, "Nachbarschaftshilfe", Language.GERMAN),
]
SUMMARIES = [
    "Kurz nachgefragt, wie es läuft — alles in Ordnung.",
    "Neue Filiale geplant, Angebot für Ausstattung erbeten.",
    "Reklamation zur letzten Lieferung besprochen, Ersatz zugesagt.",
    "Interesse am neuen Gäste-WLAN-Paket.",
    "Jahresgespräch: Zufrieden, wünscht schnellere Reaktionszeiten.",
    "Einladung zum Kundentag angenommen.",
    "Nach dem Software-Update nachgefragt; läuft gut.",
    "Verlängerung besprochen; Entscheidung im nächsten Monat.",
]
# Notes are free text in the team's working language (the demo company is German); what the
# call sheet asks is stored as answers and read in each member's language.
WELLBEING = ["Gut erholt aus dem Urlaub zurück.", "Viel los vor der Saison.", "Alles bestens."]


@dataclass
class DemoResult:
    workspace: Workspace
    created: bool


def demo_load(*, progress: Callable[[str, int], None] | None = None, seed: int = 7) -> DemoResult:
    """Create the Pollux demo workspace once; a second call finds it and changes nothing."""
    existing = Workspace.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return DemoResult(workspace=existing, created=False)
    rng = random.Random(seed)
    step = progress or (lambda _label, _count: None)
    with transaction.atomic():
        workspace = workspace_create(name="Pollux GmbH", slug=DEMO_SLUG)
        with workspace_scope(workspace):
            _fill(workspace, rng, step)
    return DemoResult(workspace=workspace, created=True)


def _fill(workspace: Workspace, rng: random.Random, step: Callable[[str, int], None]) -> None:
    """Every step of the demo inside the new workspace's scope."""
    team = _team(workspace)
    step("team", len(team))
    accounts = _accounts(workspace, team, rng)
    step("accounts", len(accounts))
    contacts = _contacts(workspace, accounts, rng)
    step("contacts", len(contacts))
    count = _touchpoints(workspace, contacts, accounts, team, rng)
    step("touchpoints", count)
    _consents(workspace, contacts, team, rng)
    _policies(workspace, accounts)
    for demo_step in registry.demo_steps:
        demo_step.run(workspace=workspace, team=team, rng=rng)
        step(demo_step.name, 1)
    _stamp_last_personal(workspace)
    cadence_recompute(workspace=workspace)
    step("cadence", 1)
    _unanswered_calls(workspace, team, rng)


def _unanswered_calls(
    workspace: Workspace, team: dict[str, Membership], rng: random.Random
) -> None:
    """Joseph tried to reach some overdue customers lately; nobody picked up."""
    today = timezone.localdate()
    joseph = team[DEMO_USERNAME].user
    overdue = Contact.objects.filter(workspace=workspace, owner=joseph, next_due_on__lt=today)
    for contact in rng.sample(list(overdue.order_by("pk")[:60]), 8):
        for days in sorted(rng.sample(range(1, 12), rng.randint(1, 3)), reverse=True):
            touchpoint_log(
                workspace=workspace, contact=contact, channel=Channel.PHONE, logged_by=joseph,
                occurred_at=timezone.now() - dt.timedelta(days=days, hours=rng.randint(0, 5)),
                outcome=Outcome.NO_ANSWER, summary="Mailbox, keine Nachricht hinterlassen",
            )  # fmt: skip


def _team(workspace: Workspace) -> dict[str, Membership]:
    team = {}
    for username, first, last, role, title, language in TEAM:
        team[username] = member_add(
            workspace=workspace,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            email=f"{username}@pollux.example",
            first_name=first,
            last_name=last,
            language=language,
            job_title=title,
            digest_frequency=DigestFrequency.WEEKLY,
        )
    return team


def _owner_for(country: str, team: dict[str, Membership], rng: random.Random) -> Membership:
    regional = {"AT": "anna", "IT": "luca", "CH": "sophie"}
    if country in regional and rng.random() < 0.7:
        return team[regional[country]]
    return team[DEMO_USERNAME] if rng.random() < 0.75 else team["anna"]


def _accounts(
    workspace: Workspace, team: dict[str, Membership], rng: random.Random
) -> list[Account]:
    accounts: list[Account] = []
    tags = tags_from_names(workspace=workspace, names=["Stammkunde", "Neukunde", "Partner"])
    leaders = [team["helena"].user, team["markus"].user]
    for country, count, locale in MARKETS:
        fake = Faker(locale)
        fake.seed_instance(rng.randint(0, 10**6))
        for _ in range(count):
            city, postal_code, region = rng.choice(PLACES[country])
            is_key = rng.random() < 0.1
            owner = _owner_for(country, team, rng).user
            account = AccountFactory.create(
                workspace=workspace,
                name=fake.company(),
                segment=rng.choice(SEGMENTS),
                is_key_account=is_key,
                executive_sponsor=rng.choice(leaders) if is_key else None,
                owner=owner,
                value=int(rng.lognormvariate(9.3, 1.0)) // 100 * 100,
                country=country,
                city=city,
                postal_code=postal_code,
                region=region,
                street=fake.street_address(),
                phone=random_phone(country, rng),
                language="it" if country == "IT" and rng.random() < 0.2 else "de",
            )
            account.email = f"info@{_domain(account.name)}"
            account.save(update_fields=["email"])
            if rng.random() < 0.3:
                account.tags.add(rng.choice(tags), through_defaults={"workspace": workspace})
            accounts.append(account)
    return accounts


def _domain(name: str) -> str:
    letters = "".join(ch for ch in name.lower() if ch.isalnum())[:20] or "kunde"
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        letters = letters.replace(umlaut, plain)
    return f"{letters}.example"


def _contacts(workspace: Workspace, accounts: list[Account], rng: random.Random) -> list[Contact]:
    contacts: list[Contact] = []
    fakers = {country: Faker(locale) for country, _, locale in MARKETS}
    for faker in fakers.values():
        faker.seed_instance(rng.randint(0, 10**6))
    per_account = [1] * len(accounts)
    for _ in range(800 - len(accounts)):
        per_account[rng.randrange(len(accounts))] += 1
    for account, count in zip(accounts, per_account, strict=True):
        fake = fakers[account.country]
        for _ in range(count):
            first, last = fake.first_name(), fake.last_name()
            contacts.append(
                ContactFactory.create(
                    workspace=workspace,
                    account=account,
                    owner=account.owner,
                    value=account.value,
                    first_name=first,
                    last_name=last,
                    job_title=rng.choice(
                        ["Filialleitung", "Einkauf", "Geschäftsführung", "IT", ""]
                    ),
                    email=f"{_ascii(first)}.{_ascii(last)}@{_domain(account.name)}",
                    phone=random_phone(account.country, rng),
                    country=account.country,
                    city=account.city,
                    postal_code=account.postal_code,
                    region=account.region,
                    street=account.street,
                    language=account.language,
                )
            )
    return contacts


def _ascii(text: str) -> str:
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.lower().replace(umlaut, plain)
    return "".join(ch for ch in text if ch.isalnum()) or "kontakt"


def _touchpoints(
    workspace: Workspace,
    contacts: list[Contact],
    accounts: list[Account],
    team: dict[str, Membership],
    rng: random.Random,
) -> int:
    """About a year of contact: a rhythm per contact, some gone quiet, newsletters on top."""
    now = timezone.now()
    leaders = [team["helena"].user, team["markus"].user]
    staff = [m.user for m in team.values() if role_has(m.role, Capability.CRM_EDIT)]
    personal = [Channel.PHONE, Channel.EMAIL, Channel.MEETING, Channel.VIDEO, Channel.VISIT]
    rows, participants = [], []
    # A separate generator, so the call-sheet answers leave the rest of the demo as it was.
    sheet_rng = random.Random(7)
    for contact in contacts:
        # days since the last personal contact: most are in rhythm, a quarter went quiet
        quiet_since = rng.uniform(0, 300) if rng.random() < 0.75 else rng.uniform(300, 500)
        moments = rng.randint(3, 10)
        for index in range(moments):
            days_ago = quiet_since + index * rng.uniform(15, 60)
            if days_ago > 365:
                break
            occurred = now - dt.timedelta(days=days_ago, minutes=rng.randint(0, 600))
            person = contact.owner or rng.choice(staff)
            tp = TouchpointFactory.build(
                workspace=workspace,
                contact=contact,
                account=contact.account,
                channel=rng.choice(personal),
                direction=Direction.OUTBOUND if rng.random() < 0.7 else Direction.INBOUND,
                occurred_at=occurred,
                summary=rng.choice(SUMMARIES),
                outcome=rng.choice([Outcome.POSITIVE, Outcome.NEUTRAL, Outcome.NONE]),
                logged_by=person,
            )
            if tp.channel == Channel.PHONE and sheet_rng.random() < 0.3:
                _as_call_sheet(tp, sheet_rng)
            people = [person]
            if contact.account and contact.account.is_key_account and rng.random() < 0.3:
                people.append(rng.choice(leaders))
            rows.append(tp)
            participants.append(people)
    for month in range(12):
        sent = now - dt.timedelta(days=30 * month + 3)
        for contact in contacts[::3]:
            rows.append(
                TouchpointFactory.build(
                    workspace=workspace, contact=contact, account=contact.account,
                    channel=Channel.NEWSLETTER, is_personal=False, occurred_at=sent,
                    summary="Pollux Newsletter", logged_by=None,
                )
            )  # fmt: skip
            participants.append([])
    created = Touchpoint.objects.bulk_create(rows, batch_size=1000)
    links = [
        TouchpointParticipant(touchpoint_id=tp.id, user_id=person.id, workspace=workspace)
        for tp, people in zip(created, participants, strict=True)
        for person in people
    ]
    TouchpointParticipant.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    return len(created)


def _as_call_sheet(touchpoint: Touchpoint, rng: random.Random) -> None:
    """A call logged on the call sheet: the answers as data, the notes only if any."""
    touchpoint.source_kind = TouchpointSource.CALL_SHEET
    touchpoint.direction = Direction.OUTBOUND
    touchpoint.summary = touchpoint.summary if rng.random() < 0.5 else ""
    touchpoint.answers = {
        CheckinQuestion.WELLBEING.value: rng.choice(WELLBEING),
        CheckinQuestion.ADDRESS_CURRENT.value: CheckinAnswer.YES.value,
        CheckinQuestion.NEWSLETTER_WANTED.value: rng.choice(
            [CheckinAnswer.YES, CheckinAnswer.NO]
        ).value,
    }


def _consents(
    workspace: Workspace, contacts: list[Contact], team: dict[str, Membership], rng: random.Random
) -> None:
    now = timezone.now()
    rows = [
        NewsletterConsent(
            workspace=workspace, contact=contact, status=ConsentStatus.GIVEN,
            recorded_at=now - dt.timedelta(days=rng.randint(30, 900)),
            source=rng.choice(["Messe", "Website", "Kundengespräch"]),
            recorded_by=contact.owner,
        )
        for contact in contacts if rng.random() < 0.55
    ]  # fmt: skip
    NewsletterConsent.objects.bulk_create(rows)


def _policies(workspace: Workspace, accounts: list[Account]) -> None:
    CadencePolicy.objects.bulk_create(
        [
            CadencePolicy(workspace=workspace, name="Jeder Kunde einmal im Jahr",
                          scope=PolicyScope.ALL, interval_days=365),
            CadencePolicy(workspace=workspace, name="Schlüsselkunden alle 90 Tage",
                          scope=PolicyScope.KEY_ACCOUNTS, interval_days=90),
            CadencePolicy(workspace=workspace, name="Hotels zweimal im Jahr",
                          scope=PolicyScope.SEGMENT, segment="Hotel", interval_days=180),
        ]
    )  # fmt: skip


def _stamp_last_personal(workspace: Workspace) -> None:
    """Derive each customer's last personal contact once from the bulk-loaded touchpoints."""
    _stamp_last_personal_of(Contact, "contact_id", workspace)
    _stamp_last_personal_of(Account, "account_id", workspace)


def _stamp_last_personal_of[M: (Contact, Account)](
    model: type[M], column: str, workspace: Workspace
) -> None:
    latest = (
        Touchpoint.objects.filter(REACHED, workspace=workspace)
        .values(column)
        .annotate(last=Max("occurred_at"))
    )
    rows = []
    for row in latest:
        rows.append(model(id=row[column], last_personal_at=row["last"]))
    model.objects.bulk_update(rows, ["last_personal_at"], batch_size=1000)
