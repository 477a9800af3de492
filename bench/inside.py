"""Benchmark: the live question list of an ask-me-anything session with 2,000 participants and
500 questions, and the virtual-coffee pairing of 10,000 people, on SQLite and PostgreSQL.

    python bench/inside.py                           # both databases: build, then every part
    python bench/inside.py --database sqlite         # sqlite | postgres | both
    python bench/inside.py --parts refresh,pairing   # only some parts: refresh, live, pairing
    python bench/inside.py --scale 0.1               # a quick look (200 participants, …)
    python bench/inside.py --smoke                   # tiny data, every part briefly, writes nothing

Figures are printed; a full run (scale 1, not --smoke) also writes bench/results/inside.json
and its section of bench/RESULTS.md (between the inside markers, replaced on each run). Not a
test: nothing here asserts a time. Goals (issue 13): with 2,000 participants and 500 questions,
the question-list refresh p95 under 30 ms server-side on SQLite and PostgreSQL; with the
production server, a vote reaching all 500 connected listeners within 2 s; pairing 10,000
participants with a 6-round history under 2 s.

Data (seeded, the same on both databases): one workspace ("bench") with one live session
(members and invited customers) of 2,000 participants — 95 % members (users and memberships
bulk-written), 5 % guests who came by a join link — and 500 questions by random askers (at most
20 each), a quarter anonymous (no author, the service's keyed pseudonym), 30 % of the named
ones asking to be told of the answer; about 20,000 votes, Zipf-like over the questions (one row
each, the question's count equal to its rows, the session's version raised once per question
and vote as the services do). Then through the services: 60 questions answered, 3 pinned,
25 hidden, 15 merged into others (their votes move along), one anonymous author blocked. A
second workspace has its own session, participants, questions and votes, written through the
services: its questions must never show in the bench session's list.
Coffee: a workspace ("coffee") with 10,000 members taking part on the day of the 7th round (bulk
written) beside 200 who opted out, 100 paused and 100 away that day; six weekly rounds made
with `coffee.coffee_round_make`, the history the 7th round avoids (the workspace's setting: the
last 6 rounds). A second coffee workspace ("coffee-mix") has 8,000 members and 2,000 customers
(contacts with an address, invited by members) and 1,000 customer accounts owned by members,
each with two contacts owned by two other members: colleagues who share customers.

Refresh (in process, Django's test client, the whole request through every middleware): the
member's poll fragment GET /inside/ama/<pk>/questions/?k=<poll key>&v=<version>, as htmx sends
it, each client keeping the cookies it is given (the live pass among them) as a browser does.
Per round: a vote through `ama.vote_toggle` (not timed), then a full refresh (200) of the new
version for one of 20 participants — the first render of that version ("after a change") — then
one for another participant on the same version ("warm": with a live pass, from memory), then a
poll with the current version, the "no change" answer (204). 300 rounds after 10 warm-up
requests; wall time per request.

Live (the production server): gunicorn `touchbase.wsgi:application --workers 4` (sync, as the
README advises for production), DEBUG off, on loopback. 500 members signed in (Django sessions
written directly, sent as cookies) poll the fragment every 1.5 s — the page's interval — each
at the address the list it last got names (its hx-get: the version, and the session's poll
key that lets a poll be answered before sign-in checks), keeping the live pass cookie the answers
set (see touchbase/inside/middleware.py), from one asyncio process (raw streams, a new
connection per poll as gunicorn's sync workers close it), their phases spread over the
interval. After a warm-up
(everyone's first poll gets the full list), a vote is cast through the service in the driving
process every 6 s, 5 times; for each, the seconds from the vote's start until each listener has
received a 200 carrying that version (or a newer one): max (the time by which all had it), p95
and median. Also requests/s served, latencies and errors.

Pairing: the 7th round of each coffee workspace, `coffee.coffee_round_make` (who is eligible,
the history of the last 6 rounds, shared customers, the pairing, writing groups and seats) wall
time; before it, the same steps separately, and the pure `pairing.pair()` on the same input.
Then the new groups are checked against the 6 rounds before: pairs that met again (repeats),
group sizes, groups of two customers (must be none), customers left without a colleague.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import html
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from due_list import _memory, _wait_for, percentiles  # noqa: E402
from publishing import (  # noqa: E402
    PG_ADMIN_URL,
    ROOT,
    _env,
    _free_port,
    _noted,
    fresh_database,
    percentile,
    section_write,
)

DATA_DIR = ROOT / "bench" / "data" / "inside"
RESULTS = ROOT / "bench" / "results" / "inside.json"
PG_NAME = "tb_bench_inside"
PG_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_NAME
VENDORS = {"sqlite": ["sqlite"], "postgres": ["postgresql"], "both": ["sqlite", "postgresql"]}
PARTS = ("refresh", "live", "pairing")
SLUG = "bench"
PARTICIPANTS = 2000
GUEST_SHARE = 0.05
QUESTIONS = 500
VOTES = 20000
ANONYMOUS_SHARE = 0.25
ANSWERED, PINNED, HIDDEN, MERGED = 60, 3, 25, 15
REFRESH_PEOPLE = 20
REFRESH_ROUNDS = 300
REFRESH_WARMUP = 10
LISTENERS = 500
POLL_SECONDS = 1.5  # the page's hx-trigger interval
LIVE_WARMUP_SECONDS = 6.0
LIVE_VOTES = 5
VOTE_GAP_SECONDS = 6.0
WORKERS = 4  # README, "Running on PostgreSQL in production"
COFFEE = 10000
COFFEE_AWAY = {"opted_out": 200, "paused": 100, "away": 100}
CUSTOMER_SHARE = 0.2
HISTORY_ROUNDS = 6
GOAL_REFRESH_MS = 30
GOAL_LIVE_S = 2.0
GOAL_PAIRING_S = 2.0
FOREIGN = "Fremdfirma"  # in every question of the other workspace: must never show
MARK_START = "<!-- bench/inside.py: start -->"
MARK_END = "<!-- bench/inside.py: end -->"

TOPICS = ["die neue Arbeitszeitregelung", "the move to the new office", "das Budget für 2027",
          "the hiring freeze", "die Homeoffice-Tage", "our product roadmap",
          "den Umzug des Lagers", "the bonus scheme", "die Kantine", "the new CRM",
          "die Weiterbildungen", "the customer survey", "den Messeauftritt in München",
          "the Swiss subsidiary", "die Dienstwagen", "parental leave"]  # fmt: skip
ASKING = ["Wie geht es mit {t} weiter?", "What is the plan for {t}?",
          "Warum wurde {t} so entschieden, ohne das Team zu fragen?",
          "Can you share numbers on {t}?", "Wann erfahren wir mehr über {t}?",
          "Who decides about {t}, and when?", "Was bedeutet {t} für den Außendienst?",
          "How will {t} affect the support team?"]  # fmt: skip
MORE = ["", "", " Viele im Team fragen sich das seit Wochen.",
        " We heard different things from different managers.",
        " Gibt es dazu schon einen Zeitplan?", " Thanks for doing these sessions!",
        " Mir ist wichtig, dass wir das offen besprechen – auch wenn es unangenehm ist."]  # fmt: skip
PASS_COOKIE = "tb_live"  # touchbase.inside.middleware
VERSION_IN_HTML = [re.compile(r'data-[\w-]*version="(\d+)"'), re.compile(r"[?&](?:amp;)?v=(\d+)")]


def _clock() -> float:
    """A clock every process on the machine shares (the listeners' and the voter's)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def version_of(body: str, headers: dict[str, str] | None = None) -> int | None:
    """The list version a 200 fragment carries: in data-version, the next poll's ?v=, or a
    header named like a version (the contract leaves the place open)."""
    for name, value in (headers or {}).items():
        if "version" in name.lower() and value.strip().isdigit():
            return int(value.strip())
    for pattern in VERSION_IN_HTML:
        found = pattern.search(body)
        if found:
            return int(found.group(1))
    return None


# --- data --------------------------------------------------------------------------------------


def _people(workspace, prefix: str, count: int, rng: random.Random, role: str = "staff") -> list:
    """Users and their memberships, bulk-written (the password unusable, as member_add's)."""
    from django.contrib.auth.hashers import make_password

    from touchbase.core.models import Membership, User

    users = User.objects.bulk_create(
        [User(username=f"{prefix}{index}", first_name=rng.choice(FIRST), last_name=f"{prefix.title()}{index}",
              email=f"{prefix}{index}@bench.example", language="de" if index % 2 else "en",
              password=make_password(None))
         for index in range(count)], batch_size=2000,
    )  # fmt: skip
    Membership.objects.bulk_create(
        [Membership(workspace=workspace, user=user, role=role) for user in users], batch_size=2000
    )
    return users


FIRST = ["Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hannes", "Ida", "Jonas",
         "Katrin", "Luca", "Mara", "Nils", "Olga", "Paul", "Rosa", "Sven", "Tereza", "Yusuf"]  # fmt: skip


def _question_text(rng: random.Random, topic: str | None = None) -> str:
    return rng.choice(ASKING).format(t=topic or rng.choice(TOPICS)) + rng.choice(MORE)


def build_ama(scale: float) -> dict[str, object]:
    """The bench session (bulk where volume needs it, services for the rest), another
    workspace's session through the services."""
    from django.db.models import F
    from django.utils import timezone

    from touchbase.core.services import member_add, workspace_create
    from touchbase.inside import ama
    from touchbase.inside.choices import Audience, ParticipantKind
    from touchbase.inside.models import AmaParticipant, AmaQuestion, AmaSession, AmaVote

    started = time.perf_counter()
    rng = random.Random(13)
    now = timezone.now()
    workspace = workspace_create(name="Bench GmbH", slug=SLUG)
    other = workspace_create(name="Other AG", slug="other")
    leader = member_add(workspace=workspace, username="leader", password=None, role="leader",
                        first_name="Lea", last_name="Leitner").user  # fmt: skip
    moderators = [member_add(workspace=workspace, username=f"moderator{n}", password=None,
                             role="staff", first_name="Moritz", last_name=f"Moderator{n}").user
                  for n in range(2)]  # fmt: skip
    session = ama.ama_session_save(
        workspace=workspace, by=leader, title="Fragen an die Geschäftsführung", leader=leader,
        starts_at=now - dt.timedelta(minutes=15), ends_at=now + dt.timedelta(hours=3),
        audience=Audience.BOTH, description="Alles, was Sie schon immer wissen wollten.",
        moderators=moderators,
    )  # fmt: skip
    total = max(4, int(PARTICIPANTS * scale))
    guests = int(total * GUEST_SHARE)
    users = _people(workspace, "member", total - guests, rng)
    rows = [AmaParticipant(workspace=workspace, session=session, kind=ParticipantKind.MEMBER,
                           user=user, language=user.language) for user in users]  # fmt: skip
    rows += [AmaParticipant(workspace=workspace, session=session, kind=ParticipantKind.GUEST,
                            name=f"Gast {n}", email=f"guest{n}@customer.example",
                            language="de", key_hash=ama._key_hash(f"bench-guest-{n}"))
             for n in range(guests)]  # fmt: skip
    participants = AmaParticipant.objects.bulk_create(rows, batch_size=2000)
    for person in (leader, *moderators):
        ama.participant_for_member(session=session, user=person)

    # Questions: random askers (at most 20 each), votes Zipf-like over a random ranking.
    count = max(4, int(QUESTIONS * scale))
    asked: Counter = Counter()
    askers = []
    while len(askers) < count:
        person = rng.choice(participants)
        if asked[person.pk] < ama.QUESTIONS_PER_PARTICIPANT:
            asked[person.pk] += 1
            askers.append(person)
    weights = [1 / (rank + 1) ** 0.9 for rank in range(count)]
    cap = int(len(participants) * 0.9)
    wanted = [min(cap, round(VOTES * scale * w / sum(weights))) for w in weights]
    rng.shuffle(wanted)
    questions = []
    for index, (asker, votes) in enumerate(zip(askers, wanted, strict=True)):
        anonymous = rng.random() < ANONYMOUS_SHARE
        questions.append(AmaQuestion(
            workspace=workspace, session=session, text=_question_text(rng, TOPICS[index % len(TOPICS)]),
            anonymous=anonymous, author=None if anonymous else asker,
            pseudonym=ama.pseudonym(session=session, participant=asker),
            notify_asker=not anonymous and asker.kind == ParticipantKind.MEMBER and rng.random() < 0.3,
            votes=votes,
        ))  # fmt: skip
    questions = AmaQuestion.objects.bulk_create(questions, batch_size=1000)
    for index, question in enumerate(questions):  # created_at is auto_now_add: asked over 15 min
        question.created_at = now - dt.timedelta(seconds=900 * (1 - index / len(questions)))
    AmaQuestion.objects.bulk_update(questions, ["created_at"], batch_size=1000)
    votes = [AmaVote(workspace=workspace, question=question, participant=voter)
             for question in questions
             for voter in rng.sample(participants, question.votes)]  # fmt: skip
    AmaVote.objects.bulk_create(votes, batch_size=5000)
    AmaSession.objects.filter(pk=session.pk).update(
        version=F("version") + len(questions) + len(votes)
    )

    # Moderation through the services.
    session.refresh_from_db()
    order = list(range(len(questions)))
    rng.shuffle(order)
    picked = iter(order)

    def scaled(count: int) -> int:
        return max(1, round(count * scale))

    for index in [next(picked) for _ in range(scaled(ANSWERED))]:
        ama.question_answer(question=questions[index], by=leader,
                            answer="Gute Frage – hier unsere Antwort: " + _question_text(rng))  # fmt: skip
    for index in [next(picked) for _ in range(min(PINNED, max(1, len(order) // 20)))]:
        ama.question_pin(question=questions[index])
    for index in [next(picked) for _ in range(scaled(HIDDEN))]:
        ama.question_hide(question=questions[index])
    for _ in range(scaled(MERGED)):
        source, target = questions[next(picked)], questions[next(picked)]
        ama.question_merge(question=source, into=target)
    anonymous_open = [questions[i] for i in picked if questions[i].anonymous]
    if anonymous_open:
        ama.author_block(question=anonymous_open[0], by=moderators[0], reason="Beleidigend")

    # The other workspace, through the services.
    other_leader = member_add(workspace=other, username="other-leader", password=None,
                              role="leader", first_name="Otto", last_name="Other").user  # fmt: skip
    other_session = ama.ama_session_save(
        workspace=other, by=other_leader, title="AMA bei Other AG", leader=other_leader,
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2),
        audience=Audience.MEMBERS,
    )  # fmt: skip
    strangers = [ama.participant_for_member(session=other_session, user=member_add(
        workspace=other, username=f"other{n}", password=None, role="staff").user)
        for n in range(5)]  # fmt: skip
    foreign = [ama.question_ask(session=other_session, participant=strangers[n % 5],
                                text=f"{FOREIGN}: {_question_text(rng)}", anonymous=n % 3 == 0)
               for n in range(10)]  # fmt: skip
    for n, question in enumerate(foreign):
        for person in strangers[: n % 5 + 1]:
            ama.vote_toggle(question=question, participant=person)

    session.refresh_from_db()
    listed = AmaQuestion.objects.filter(session=session, state__in=["open", "answered"])
    top = listed.order_by("-pinned", "state", "-votes", "created_at", "pk").first()
    return {
        "session": session.pk, "version": session.version,
        "participants": AmaParticipant.objects.filter(session=session).count(),
        "members": AmaParticipant.objects.filter(session=session, kind="member").count(),
        "guests": guests,
        "questions": AmaQuestion.objects.filter(session=session).count(),
        "listed_questions": listed.count(),
        "states": dict(Counter(AmaQuestion.objects.filter(session=session)
                               .values_list("state", flat=True))),
        "anonymous_questions": AmaQuestion.objects.filter(session=session, anonymous=True).count(),
        "votes": AmaVote.objects.filter(question__session=session).count(),
        "votes_counted": sum(AmaQuestion.objects.filter(session=session).values_list("votes", flat=True)),
        "most_votes": max(q.votes for q in AmaQuestion.objects.filter(session=session)),
        "top_question": top.text if top else "",
        "other_session": other_session.pk,
        "build_s": round(time.perf_counter() - started, 1),
    }  # fmt: skip


def _round_days(count: int) -> list:
    """Weekly Tuesdays, the last of them (the measured round) two days or more ahead."""
    from django.utils import timezone

    today = timezone.localdate()
    last = today + dt.timedelta(days=2)
    last += dt.timedelta(days=(1 - last.weekday()) % 7)
    return [last - dt.timedelta(weeks=count - 1 - n) for n in range(count)]


def build_coffee(scale: float, slug: str, customers_share: float) -> dict[str, object]:
    """A coffee workspace: its people (bulk), those not taking part in the 7th round, customers
    and shared accounts when asked, and six rounds made by the service."""
    from touchbase.core.services import workspace_create
    from touchbase.inside import coffee
    from touchbase.inside.models import CoffeeAbsence, CoffeeParticipant
    from touchbase.relationships.models import Account, Contact

    started = time.perf_counter()
    rng = random.Random(17 if customers_share else 7)
    workspace = workspace_create(name=f"Coffee {slug}", slug=slug)
    total = max(6, int(COFFEE * scale))
    customers = int(total * customers_share)
    aside = {kind: max(1, int(n * scale)) for kind, n in COFFEE_AWAY.items()}
    users = _people(workspace, f"{slug}-", total - customers + sum(aside.values()), rng)
    days = _round_days(HISTORY_ROUNDS + 1)
    taking_part = users[: total - customers]
    rows = [CoffeeParticipant(workspace=workspace, user=user) for user in users]
    start = total - customers
    for index in range(start, start + aside["opted_out"]):
        rows[index].active = False
    start += aside["opted_out"]
    for index in range(start, start + aside["paused"]):
        rows[index].paused_until = days[-1] + dt.timedelta(days=14)
    participants = CoffeeParticipant.objects.bulk_create(rows, batch_size=2000)
    start += aside["paused"]
    CoffeeAbsence.objects.bulk_create(
        [CoffeeAbsence(workspace=workspace, participant=participant, starts_on=days[-1],
                       ends_on=days[-1] + dt.timedelta(days=4))
         for participant in participants[start:start + aside["away"]]]
    )  # fmt: skip
    shared_accounts = 0
    if customers:
        accounts = Account.objects.bulk_create(
            [Account(workspace=workspace, name=f"Kunde {n} GmbH", owner=rng.choice(taking_part))
             for n in range(customers // 2)], batch_size=2000,
        )  # fmt: skip
        shared_accounts = len(accounts)
        people = Contact.objects.bulk_create(
            [Contact(workspace=workspace, account=accounts[n // 2], first_name=rng.choice(FIRST),
                     last_name=f"Kundin{n}", email=f"kundin{n}@customer.example",
                     owner=rng.choice(taking_part))
             for n in range(customers)], batch_size=2000,
        )  # fmt: skip
        CoffeeParticipant.objects.bulk_create(
            [CoffeeParticipant(workspace=workspace, contact=contact,
                               invited_by=rng.choice(taking_part)) for contact in people],
            batch_size=2000,
        )  # fmt: skip
    history = []
    for number, day in enumerate(days[:-1], start=1):
        begun = time.perf_counter()
        _round, result = coffee.coffee_round_make(workspace=workspace, on=day,
                                                  rng=random.Random(number))  # fmt: skip
        history.append({"round": number, "s": round(time.perf_counter() - begun, 2),
                        "groups": len(result.groups) if result else 0,
                        "repeats": result.repeats if result else None,
                        "shared_customer_groups": len(result.shared) if result else 0})  # fmt: skip
    return {
        "slug": slug, "participants_on_the_day": len(coffee.eligible(workspace=workspace, on=days[-1])),
        "customers": customers, "members": total - customers, "not_taking_part": aside,
        "customer_accounts": shared_accounts, "history_rounds": history,
        "round_day": days[-1].isoformat(),
        "build_s": round(time.perf_counter() - started, 1),
    }  # fmt: skip


def build(scale: float, parts: list[str]) -> dict[str, object]:
    from django.db import connection

    figures: dict[str, object] = {}
    if "refresh" in parts or "live" in parts:
        figures["ama"] = build_ama(scale)
    if "pairing" in parts:
        figures["coffee"] = build_coffee(scale, "coffee", 0.0)
        figures["coffee_mix"] = build_coffee(scale, "coffee-mix", CUSTOMER_SHARE)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return figures


# --- refresh (in process) ----------------------------------------------------------------------


def _cast(rng: random.Random, session, open_ids: list[int], weights: list[float],
          voters: list) -> None:  # fmt: skip
    """One participant's vote (or taking it back) through the service, as a click would."""
    from django.core.exceptions import ValidationError

    from touchbase.core.tenancy import scopes_disabled
    from touchbase.inside.ama import vote_toggle
    from touchbase.inside.models import AmaQuestion

    with scopes_disabled():
        for _attempt in range(10):
            question = AmaQuestion.objects.select_related("session").get(
                pk=rng.choices(open_ids, weights)[0]
            )
            try:
                vote_toggle(question=question, participant=rng.choice(voters))
                return
            except ValidationError:  # a blocked participant, or a question hidden meanwhile
                continue
    raise SystemExit("no vote could be cast")


def _version(session_id: int) -> int:
    """The list's current version (as the poll view reads it)."""
    from touchbase.core.tenancy import scopes_disabled
    from touchbase.inside.models import AmaSession

    with scopes_disabled():
        return AmaSession.objects.filter(pk=session_id).values_list("version", flat=True)[0]


def _voting(session) -> tuple[list[int], list[float], list]:
    from touchbase.core.tenancy import scopes_disabled
    from touchbase.inside.models import AmaParticipant, AmaQuestion

    with scopes_disabled():
        rows = list(AmaQuestion.objects.filter(session=session, state="open")
                    .order_by("-votes", "pk").values_list("pk", flat=True))  # fmt: skip
        voters = list(AmaParticipant.objects.filter(session=session))
    return rows, [1 / (rank + 1) ** 0.9 for rank in range(len(rows))], voters


def measure_refresh(rounds: int) -> dict[str, object]:
    """Full refreshes after a change, on a warm version, and the 204 of a poll with nothing new."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from touchbase.core.tenancy import scopes_disabled
    from touchbase.inside.middleware import poll_key
    from touchbase.inside.models import AmaParticipant, AmaSession

    rng = random.Random(21)
    with scopes_disabled():
        session = AmaSession.objects.get(workspace__slug=SLUG)
        members = list(AmaParticipant.objects.filter(session=session, kind="member",
                                                     user__username__startswith="member")
                       .select_related("user"))  # fmt: skip
    people = rng.sample(members, min(REFRESH_PEOPLE, len(members)))
    clients = []
    for person in people:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="de")
        client.force_login(person.user)
        clients.append(client)
    url = f"/inside/ama/{session.pk}/questions/"
    key = poll_key(session.pk)
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://127.0.0.1/inside/ama/{session.pk}/"}

    def get(client, version: int) -> tuple[object, float]:
        begun = time.perf_counter()
        response = client.get(url, {"k": key, "v": version}, headers=headers)
        return response, (time.perf_counter() - begun) * 1000

    # The contract first: a stale version gets the list carrying the current one, the current
    # one gets 204; no other workspace's question shows.
    current = _version(session.pk)
    with CaptureQueriesContext(connection) as full_queries:
        response, _ms = get(clients[0], 0)
    body = response.content.decode()
    problems = []
    if response.status_code != 200:
        problems.append(f"a stale version answered {response.status_code}, not 200")
    elif version_of(body, dict(response.headers)) != current:
        problems.append(f"the list carries version {version_of(body, dict(response.headers))}, "
                        f"not the current {current}")  # fmt: skip
    if FOREIGN in body:
        problems.append("the list shows another workspace's question")
    with CaptureQueriesContext(connection) as unchanged_queries:
        response, _ms = get(clients[1], current)
    if response.status_code != 204:
        problems.append(f"the current version answered {response.status_code}, not 204")
    if problems:
        return {"skipped": "; ".join(problems), "url": url}
    contract = {"fragment_bytes": len(body), "full_queries": len(full_queries),
                "unchanged_queries": len(unchanged_queries)}  # fmt: skip

    open_ids, weights, voters = _voting(session)
    for index in range(REFRESH_WARMUP):
        get(clients[index % len(clients)], current - 1 if index % 2 else current)
    after_change, warm, unchanged, statuses = [], [], [], Counter()
    for index in range(rounds):
        _cast(rng, session, open_ids, weights, voters)
        current = _version(session.pk)
        for client, version, samples in (
            (clients[index % len(clients)], current - 1, after_change),
            (clients[(index + 1) % len(clients)], current - 1, warm),
            (clients[(index + 2) % len(clients)], current, unchanged),
        ):
            response, ms = get(client, version)
            statuses[str(response.status_code)] += 1
            samples.append(ms)
    return {
        "url": url + "?k=<poll key>&v=<version>", "people": len(clients), "rounds": rounds, **contract,
        "after_change": {**percentiles(after_change), "p99_ms": percentile(after_change, 0.99)},
        "warm": {**percentiles(warm), "p99_ms": percentile(warm, 0.99)},
        "unchanged": {**percentiles(unchanged), "p99_ms": percentile(unchanged, 0.99)},
        "statuses": dict(statuses), "errors": sum(statuses[s] for s in statuses if s not in ("200", "204")),
    }  # fmt: skip


# --- live (the production server) --------------------------------------------------------------


def _sessions(users: list, workspace_id: int) -> list[str]:
    """Signed-in browsers: a Django session per member, as the login view would write it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["workspace_id"] = workspace_id
        store.create()
        keys.append(store.session_key)
    return keys


def run_live(vendor: str, args: argparse.Namespace) -> dict[str, object]:
    """Start gunicorn, let the listeners poll, cast votes, see when each listener had each."""
    from django.conf import settings

    from touchbase.core.tenancy import scopes_disabled
    from touchbase.inside.models import AmaParticipant, AmaSession

    rng = random.Random(31)
    with scopes_disabled():
        session = AmaSession.objects.get(workspace__slug=SLUG)
        members = list(AmaParticipant.objects.filter(session=session, kind="member",
                                                     user__username__startswith="member")
                       .select_related("user"))  # fmt: skip
    listeners = rng.sample(members, min(args.listeners, len(members)))
    keys = _sessions([p.user for p in listeners], session.workspace_id)
    path = f"/inside/ama/{session.pk}/questions/"
    port = _free_port()
    env = {**_env(vendor, data_dir=DATA_DIR, pg_url=PG_URL), "TOUCHBASE_DEBUG": "0",
           "TOUCHBASE_ALLOWED_HOSTS": "127.0.0.1,localhost"}  # fmt: skip
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "touchbase.wsgi:application", "--workers", str(args.workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning"], env=env, cwd=ROOT,
    )  # fmt: skip
    duration = args.live_warmup + args.live_votes * args.vote_gap + POLL_SECONDS + 3
    spec = {"port": port, "path": path, "cookie": settings.SESSION_COOKIE_NAME, "keys": keys,
            "interval": POLL_SECONDS, "seconds": duration, "warmup": args.live_warmup}  # fmt: skip
    spec_file = DATA_DIR / f"listeners-{vendor}.json"
    spec_file.write_text(json.dumps(spec))
    open_ids, weights, voters = _voting(session)
    votes = []
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        check = asyncio.run(_poll(port, f"{path}?v=0", settings.SESSION_COOKIE_NAME, keys[0]))
        if check[0] != 200 or version_of(check[2], check[1]) is None:
            return {"skipped": f"the first poll answered {check[0]}"
                               f"{'' if check[0] != 200 else ' without a version'}"}  # fmt: skip
        client = subprocess.Popen([sys.executable, __file__, "--listen", str(spec_file)],
                                  stdout=subprocess.PIPE, text=True)  # fmt: skip
        time.sleep(args.live_warmup)
        for _number in range(args.live_votes):
            at = _clock()
            _cast(rng, session, open_ids, weights, voters)
            votes.append({"at": at, "vote_ms": round((_clock() - at) * 1000, 1),
                          "version": _version(session.pk)})  # fmt: skip
            time.sleep(max(0.0, args.vote_gap - (_clock() - at)))
        output, _ = client.communicate(timeout=duration + 60)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if client.returncode:
        raise SystemExit("the listeners failed")
    line = next(row for row in output.splitlines() if row.startswith("RESULT "))
    heard = json.loads(line[7:])
    seen = heard.pop("seen")
    per_vote = []
    for vote in votes:
        delays, missed = [], 0
        for changes in seen:
            first = next((t for t, v in changes if v >= vote["version"] and t >= vote["at"]), None)
            if first is None:
                missed += 1
            else:
                delays.append(first - vote["at"])
        delays.sort()
        per_vote.append({
            "version": vote["version"], "vote_ms": vote["vote_ms"], "reached": len(delays),
            "missed": missed, "max_s": round(delays[-1], 3) if delays else None,
            "p95_s": round(delays[min(len(delays) - 1, int(round(0.95 * len(delays))) - 1)], 3)
            if delays else None,
            "median_s": round(statistics.median(delays), 3) if delays else None,
        })  # fmt: skip
    maxima = [vote["max_s"] for vote in per_vote if vote["max_s"] is not None]
    complete = all(vote["missed"] == 0 for vote in per_vote)
    return {
        "server": f"gunicorn, {args.workers} sync workers, DEBUG off", "workers": args.workers,
        "listeners": len(keys), "poll_s": POLL_SECONDS, "votes": per_vote,
        "live_update_s": max(maxima) if maxima and complete else None,
        "live_update_median_of_max_s": round(statistics.median(maxima), 3) if maxima else None,
        "live_update_p95_s": max(v["p95_s"] for v in per_vote if v["p95_s"] is not None) if maxima else None,
        "missed": sum(vote["missed"] for vote in per_vote), **heard,
    }  # fmt: skip


def next_poll(body: str, path: str, version: int) -> str:
    """Where the list says to poll next, as htmx reads its hx-get (it may carry more than the
    version, e.g. the session's poll key); the bare path with ?v= when it says nothing."""
    found = re.search(r'id="questions"[^>]*?hx-get="([^"]+)"', body)
    return html.unescape(found.group(1)) if found else f"{path}?v={version}"


async def _poll(port: int, target: str, cookie: str, key: str, live_pass: str = "",
                ) -> tuple[int, dict[str, str], str]:  # fmt: skip
    """One htmx poll on a connection of its own (gunicorn's sync workers close it anyway),
    with the live pass the last answer set, as a browser keeps it (headers["pass"])."""
    cookies = f"{cookie}={key}" + (f"; {PASS_COOKIE}={live_pass}" if live_pass else "")
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: {cookies}\r\nHX-Request: true\r\nAccept: */*\r\n"
            "Accept-Language: de-DE,de;q=0.9\r\nAccept-Encoding: identity\r\n"
            "User-Agent: touchbase-bench\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    head, _blank, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    for line in lines[1:]:
        if line.lower().startswith(f"set-cookie: {PASS_COOKIE}="):
            headers["pass"] = line.split("=", 1)[1].split(";", 1)[0].strip('"')
    return int(lines[0].split()[1]), headers, body.decode("utf-8", "replace")


def listen(spec: dict) -> dict:
    """The listeners: each polls every interval with its last version, first with none. Answers
    in the warm-up are not timed nor counted in the rate, but their statuses are kept apart."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    keys, interval = spec["keys"], spec["interval"]
    seen: list[list[tuple[float, int]]] = [[] for _ in keys]
    latencies: dict[str, list[float]] = {"200": [], "204": []}
    statuses: Counter = Counter()
    warmup_statuses: Counter = Counter()
    failures, unparsed = [0], [0]

    async def listener(number: int, measured_from: float, stop: float) -> None:
        version, live_pass = 0, ""
        target = f"{spec['path']}?v=0"
        await asyncio.sleep(interval * number / len(keys))
        due = _clock()
        while due < stop:
            begun = _clock()
            try:
                status, headers, body = await asyncio.wait_for(
                    _poll(spec["port"], target, spec["cookie"], keys[number], live_pass), 10
                )
                live_pass = headers.get("pass", live_pass)
            except (OSError, TimeoutError, ValueError, IndexError):
                status, headers, body = 0, {}, ""
            done = _clock()
            if begun < measured_from:
                warmup_statuses[str(status)] += 1
            elif not status:
                failures[0] += 1
            else:
                statuses[str(status)] += 1
                latencies.setdefault(str(status), []).append((done - begun) * 1000)
            if status == 200:
                found = version_of(body, headers)
                if found is None:
                    unparsed[0] += 1
                elif found != version:
                    seen[number].append((done, found))
                    version = found
                    target = next_poll(body, spec["path"], version)
            due = max(due + interval, _clock())
            await asyncio.sleep(due - _clock())

    async def everyone() -> float:
        begun = _clock()
        measured_from = begun + spec["warmup"]
        await asyncio.gather(*(listener(n, measured_from, begun + spec["seconds"])
                               for n in range(len(keys))))  # fmt: skip
        return _clock() - measured_from

    took = asyncio.run(everyone())
    answered = sum(statuses.values())
    return {
        "duration_s": round(took, 1), "warmup_s": spec["warmup"], "requests": answered,
        "requests_per_s": round(answered / took, 1), "statuses": dict(statuses),
        "warmup_statuses": dict(warmup_statuses),
        "latency_200": {**percentiles(latencies["200"]), "p99_ms": percentile(latencies["200"], 0.99)}
        if latencies["200"] else {},
        "latency_204": {**percentiles(latencies["204"]), "p99_ms": percentile(latencies["204"], 0.99)}
        if latencies["204"] else {},
        "connection_failures": failures[0], "unparsed_200": unparsed[0],
        "errors": failures[0] + sum(n for s, n in statuses.items() if s not in ("200", "204")),
        "client_cpu_s": round(time.process_time(), 1), "seen": seen,
    }  # fmt: skip


# --- pairing -----------------------------------------------------------------------------------


def measure_pairing(slug: str) -> dict[str, object]:
    """The 7th round: its steps apart, the pure pairing, then the whole service; checked."""
    from touchbase.core.models import Workspace
    from touchbase.inside import coffee
    from touchbase.inside.ama import inside_settings
    from touchbase.inside.choices import GroupState
    from touchbase.inside.models import CoffeeGroup, CoffeeParticipant, CoffeeSeat
    from touchbase.inside.pairing import pair

    workspace = Workspace.objects.get(slug=slug)
    day = _round_days(HISTORY_ROUNDS + 1)[-1]
    begun = time.perf_counter()
    settings = inside_settings(workspace=workspace)
    people = coffee.eligible(workspace=workspace, on=day)
    eligible_s = time.perf_counter() - begun
    begun = time.perf_counter()
    data = coffee.pairing_input(workspace=workspace, people=people, settings=settings)
    input_s = time.perf_counter() - begun
    begun = time.perf_counter()
    pure = pair(data, rng=random.Random(HISTORY_ROUNDS + 1))
    pair_s = time.perf_counter() - begun
    begun = time.perf_counter()
    round_, result = coffee.coffee_round_make(workspace=workspace, on=day,
                                              rng=random.Random(HISTORY_ROUNDS + 1))  # fmt: skip
    service_s = time.perf_counter() - begun
    if result is None or round_.number != HISTORY_ROUNDS + 1:
        raise SystemExit(f"{slug}: the round was there already, or is not the 7th")
    # Checked against the database: who met in the six rounds before, the groups just written.
    met = coffee._partners(
        CoffeeSeat.objects.filter(
            workspace=workspace, group__round__number__lte=HISTORY_ROUNDS
        ).exclude(group__state=GroupState.CANCELLED)
    )
    groups: dict[int, list[int]] = {}
    for group_id, person in CoffeeSeat.objects.filter(group__round=round_).values_list(
        "group_id", "participant_id"
    ):
        groups.setdefault(group_id, []).append(person)
    customers = set(CoffeeParticipant.objects.filter(workspace=workspace, contact__isnull=False)
                    .values_list("pk", flat=True))  # fmt: skip
    repeats = sum(1 for members in groups.values() for i, a in enumerate(members)
                  for b in members[i + 1:] if b in met.get(a, ()))  # fmt: skip
    seated = {p for members in groups.values() for p in members}
    return {
        "participants": len(people), "customers": len(customers & {p.pk for p in people}),
        "pairing_s": round(service_s, 3), "pair_s": round(pair_s, 4),
        "eligible_s": round(eligible_s, 3), "input_s": round(input_s, 3),
        "groups": len(groups), "group_sizes": {str(k): v for k, v in
                                              sorted(Counter(map(len, groups.values())).items())},
        "repeats": repeats, "repeats_reported": result.repeats, "pure_repeats": pure.repeats,
        "customer_pairs": sum(1 for members in groups.values()
                              if sum(p in customers for p in members) > 1),
        "shared_customer_groups": CoffeeGroup.objects.filter(round=round_, shared_customers=True).count(),
        "unpaired": len(result.unpaired), "not_seated": len({p.pk for p in people} - seated),
        "history_pairs": sum(len(v) for v in met.values()) // 2,
        "history_shared_customer_groups": CoffeeGroup.objects.filter(
            workspace=workspace, round__number__lte=HISTORY_ROUNDS, shared_customers=True).count(),
    }  # fmt: skip


# --- processes ---------------------------------------------------------------------------------


def child(vendor: str, step: str, args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from touchbase.core.tenancy import scopes_disabled

    if step == "build":
        with scopes_disabled():
            call_command("migrate", verbosity=0)
            return build(args.scale, args.parts.split(","))
    if step == "refresh":
        return measure_refresh(args.refresh_rounds)
    if step == "live":
        return run_live(vendor, args)
    if step == "pairing":
        with scopes_disabled():
            return {"members": measure_pairing("coffee"),
                    "with_customers": measure_pairing("coffee-mix")}  # fmt: skip
    raise SystemExit(f"unknown step {step}")


def _child(vendor: str, step: str, args: argparse.Namespace) -> dict:
    process = subprocess.run(
        [sys.executable, __file__, "--child", vendor, step, *_forwarded(args)],
        capture_output=True, text=True, env=_env(vendor, data_dir=DATA_DIR, pg_url=PG_URL), cwd=ROOT,
    )  # fmt: skip
    if process.returncode:
        sys.stderr.write(process.stderr[-5000:])
        raise SystemExit(f"{vendor} {step} failed")
    line = next(row for row in process.stdout.splitlines() if row.startswith("RESULT "))
    result = json.loads(line[7:])
    print(f"[{vendor}] {step}: {json.dumps(result, ensure_ascii=False)[:2000]}", flush=True)
    return result


def _forwarded(args: argparse.Namespace) -> list[str]:
    return ["--scale", str(args.scale), "--parts", args.parts, "--workers", str(args.workers),
            "--listeners", str(args.listeners), "--refresh-rounds", str(args.refresh_rounds),
            "--live-votes", str(args.live_votes), "--vote-gap", str(args.vote_gap),
            "--live-warmup", str(args.live_warmup)]  # fmt: skip


# --- RESULTS.md --------------------------------------------------------------------------------


def _markdown(results: dict) -> str:
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    refresh_rows, live_rows, pairing_rows, notes = [], [], [], []
    for vendor in ("sqlite", "postgresql"):
        figures = results["databases"].get(vendor) or {}
        refresh, live, pairing = (figures.get(k) or {} for k in ("refresh", "live", "pairing"))
        notes += [f"{names[vendor]}, {part}: skipped — {figures[part]['skipped']}."
                  for part in ("refresh", "live") if "skipped" in (figures.get(part) or {})]  # fmt: skip
        if "after_change" in refresh:
            cold, warm, same = refresh["after_change"], refresh["warm"], refresh["unchanged"]
            refresh_rows.append(
                f"| {names[vendor]} | {cold['p50_ms']} / **{cold['p95_ms']}** | "
                f"{warm['p50_ms']} / {warm['p95_ms']} | {same['p50_ms']} / {same['p95_ms']} | "
                f"{refresh['full_queries']} / {refresh['unchanged_queries']} | "
                f"{refresh['fragment_bytes']:,} | {refresh['load_average'][0]}–"
                f"{refresh['load_average'][1]} |"
            )  # fmt: skip
        if "votes" in live:
            maxima = " / ".join(str(v["max_s"]) for v in live["votes"])
            live_rows.append(
                f"| {names[vendor]} | {live['listeners']} | **{live['live_update_s']}** | "
                f"{live['live_update_median_of_max_s']} | {live['live_update_p95_s']} | {maxima} "
                f"| {live['requests_per_s']} | {live['latency_204'].get('p95_ms')} / "
                f"{live['latency_200'].get('p95_ms')} | {live['errors']} | "
                f"{live['load_average'][0]}–{live['load_average'][1]} |"
            )  # fmt: skip
        for label, run in (("members", pairing.get("members")),
                           ("20 % customers", pairing.get("with_customers"))):  # fmt: skip
            if run:
                sizes = ", ".join(f"{n}×{size}" for size, n in run["group_sizes"].items())
                pairing_rows.append(
                    f"| {names[vendor]} | {label} | {run['participants']:,} | "
                    f"**{run['pairing_s']}** | {run['pair_s']} | {run['repeats']} | {sizes} | "
                    f"{run['history_shared_customer_groups']} / {run['shared_customer_groups']} | "
                    f"{run['customer_pairs']} | "
                    f"{run['unpaired']} |"
                )  # fmt: skip
    refresh_ok = bool(results["questions_p95_ms"]) and all(
        value is not None and value < GOAL_REFRESH_MS for value in results["questions_p95_ms"].values()
    )  # fmt: skip
    live_ok = bool(results["live_update_s"]) and all(
        value is not None and value <= GOAL_LIVE_S for value in results["live_update_s"].values()
    )  # fmt: skip
    pairing_ok = results.get("pairing_s") is not None and results["pairing_s"] < GOAL_PAIRING_S \
        and results.get("pairing_repeats") == 0  # fmt: skip
    return "\n".join([
        MARK_START,
        f"## Ask-me-anything list and virtual coffee (`bench/inside.py`, issue 13, {results['date']})",
        "",
        f"Command: `{results['command']}`. Raw figures: `bench/results/inside.json`. "
        f"Machine: {results['machine']}.",
        "",
        f"Data: one live session with **{results['participants']:,} participants** (95 % members, "
        f"5 % guests) and **{results['questions']:,} questions** (a quarter anonymous; answered, "
        f"pinned, hidden, merged ones; one anonymous author blocked), {results['votes']:,} votes "
        "Zipf-like over the questions; another workspace's session must not show.",
        "",
        "Refresh: the member's poll fragment `/inside/ama/<pk>/questions/?k=<poll key>&v=<version>` "
        f"through Django's test client in process (every middleware, wall time), {REFRESH_PEOPLE} "
        "participants in turn, each keeping its cookies (the live pass among them); per round a "
        "vote through the service, then the first full refresh of the new version (\"after a "
        "change\"), a second participant's on the same version (\"warm\": from memory when "
        "the list in that participant's language is made), and a poll with nothing new (204).",
        "",
        "| database | after a change p50 / p95 ms | warm p50 / p95 ms | no change (204) p50 / "
        "p95 ms | queries full / 204 | fragment bytes | load average |",
        "|---|---|---|---|---|---|---|",
        *refresh_rows,
        "",
        f"Live: gunicorn `touchbase.wsgi:application --workers {results['workers']}` (sync), DEBUG "
        f"off, on loopback; {results['listeners']} signed-in members poll every {POLL_SECONDS:g} s "
        "with their last version and keep the live pass the answers set (one asyncio process on "
        "the same cores, a connection per poll); "
        "votes through the service every "
        f"{results['vote_gap_s']:g} s. \"All reached within\" is the time from the vote's start "
        "until the last listener had a 200 carrying its version, worst of the votes.",
        "",
        "| database | listeners | all reached within s | median of the maxima s | p95 s (worst) "
        "| maxima per vote s | requests/s | p95 ms 204 / 200 | errors | load average |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *live_rows,
        "",
        f"Pairing: the 7th weekly round after {HISTORY_ROUNDS} made by the service, "
        "`coffee.coffee_round_make` wall time (eligibility, history, shared customers, pairing, "
        "writing groups and seats), and the pure `pairing.pair()` on the same input; repeats "
        f"are pairs of the new round who met in the {HISTORY_ROUNDS} rounds before (from the "
        "database).",
        "",
        "| database | people | participants | round s | pair() s | repeats | group sizes | "
        "shared-customer groups rounds 1–6 / 7 | customer pairs | customers unpaired |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *pairing_rows,
        "",
        f"Goal \"refresh p95 under {GOAL_REFRESH_MS} ms on both databases\" (after a change): "
        f"**{'met' if refresh_ok else 'not met'}**. Goal \"a vote reaches "
        f"{results['listeners']} listeners within {GOAL_LIVE_S:g} s\": "
        f"**{'met' if live_ok else 'not met'}**. Goal \"pairing {results['pairing_participants']:,} "
        f"with a {HISTORY_ROUNDS}-round history under {GOAL_PAIRING_S:g} s\": "
        f"**{'met' if pairing_ok else 'not met'}**.",
        *(["", *notes] if notes else []),
        MARK_END,
    ])  # fmt: skip


# --- main --------------------------------------------------------------------------------------


def _summary(results: dict) -> dict:
    """The headline figures, per database where the goal names both."""
    databases = results["databases"]
    first = next(iter(databases.values()))
    ama = first["data"].get("ama", {})
    summary: dict[str, object] = {
        "participants": ama.get("participants"), "questions": ama.get("questions"),
        "votes": ama.get("votes"), "questions_p95_ms": {}, "questions_cached_p95_ms": {},
        "unchanged_p95_ms": {}, "listeners": None, "live_update_s": {},
        "live_update_median_s": {}, "live_requests_per_s": {}, "live_errors": {},
        "pairing_s_by_database": {}, "pair_s_by_database": {},
    }  # fmt: skip
    for vendor, figures in databases.items():
        refresh, live = figures.get("refresh") or {}, figures.get("live") or {}
        if "after_change" in refresh:
            summary["questions_p95_ms"][vendor] = refresh["after_change"]["p95_ms"]
            summary["questions_cached_p95_ms"][vendor] = refresh["warm"]["p95_ms"]
            summary["unchanged_p95_ms"][vendor] = refresh["unchanged"]["p95_ms"]
        if "votes" in live:
            summary["listeners"] = live["listeners"]
            summary["live_update_s"][vendor] = live["live_update_s"]
            summary["live_update_median_s"][vendor] = live["live_update_median_of_max_s"]
            summary["live_requests_per_s"][vendor] = live["requests_per_s"]
            summary["live_errors"][vendor] = live["errors"]
        if figures.get("pairing"):
            run = figures["pairing"]["members"]
            summary["pairing_s_by_database"][vendor] = run["pairing_s"]
            summary["pair_s_by_database"][vendor] = run["pair_s"]
            summary["pairing_participants"] = run["participants"]
            summary["pairing_repeats"] = max(summary.get("pairing_repeats", 0), run["repeats"])
            mixed = figures["pairing"]["with_customers"]
            summary["pairing_customers_s"] = max(summary.get("pairing_customers_s", 0),
                                                 mixed["pairing_s"])  # fmt: skip
            summary["pairing_customers_repeats"] = mixed["repeats"]
            summary["pairing_customer_pairs"] = mixed["customer_pairs"]
    if summary["pairing_s_by_database"]:  # the slower database
        summary["pairing_s"] = max(summary["pairing_s_by_database"].values())
        summary["pair_s"] = max(summary["pair_s_by_database"].values())
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=sorted(VENDORS), default="both")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help="comma-separated: refresh, live, pairing")  # fmt: skip
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--listeners", type=int, default=None)
    parser.add_argument("--refresh-rounds", type=int, default=REFRESH_ROUNDS)
    parser.add_argument("--live-votes", type=int, default=LIVE_VOTES)
    parser.add_argument("--vote-gap", type=float, default=VOTE_GAP_SECONDS)
    parser.add_argument("--live-warmup", type=float, default=LIVE_WARMUP_SECONDS)
    parser.add_argument("--smoke", action="store_true",
                        help="tiny data, every part briefly; prints, writes nothing")  # fmt: skip
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--listen", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.listen:
        print("RESULT " + json.dumps(listen(json.loads(Path(args.listen).read_text()))), flush=True)
        return
    if args.smoke:
        args.scale = min(args.scale, 0.02)
        args.refresh_rounds = min(args.refresh_rounds, 20)
        args.live_votes, args.vote_gap, args.live_warmup = 2, 3.0, 3.0
    if args.listeners is None:
        args.listeners = max(2, int(LISTENERS * args.scale))
    parts = [part for part in args.parts.split(",") if part]
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    if args.child:
        sys.path.insert(0, str(ROOT / "src"))
        print("RESULT " + json.dumps(child(*args.child, args), default=str), flush=True)
        return
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    results: dict = {"databases": {}}
    for vendor in VENDORS[args.database]:
        fresh_database(vendor, data_dir=DATA_DIR, pg_name=PG_NAME)
        figures = {"data": _noted(lambda v=vendor: _child(v, "build", args))}
        for part in parts:
            figures[part] = _noted(lambda v=vendor, p=part: _child(v, p, args))
        results["databases"][vendor] = figures
    results.update(_summary(results))
    results.update(workers=args.workers, poll_s=POLL_SECONDS, vote_gap_s=args.vote_gap,
                   scale=args.scale)  # fmt: skip
    results["units"] = {"questions_p95_ms": "milliseconds, server-side per request",
                        "live_update_s": "seconds from a vote until the last listener had it",
                        "pairing_s": "seconds, the whole service for the 7th round"}  # fmt: skip
    results["machine"] = f"{os.cpu_count()} cores, {_memory()}, {sys.platform}"
    results["date"] = dt.date.today().isoformat()
    results["command"] = "python bench/inside.py " + " ".join(sys.argv[1:])
    full = args.scale == 1.0 and not args.smoke
    summary = {key: value for key, value in results.items() if key != "databases"}
    print(json.dumps(summary if full else results, indent=2, ensure_ascii=False))
    if not full:
        print("(not a full run: nothing written)")
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    if set(parts) == set(PARTS):
        section_write(_markdown(results), start=MARK_START, end=MARK_END)


if __name__ == "__main__":
    main()
