"""Benchmark: the idea portal at 20,000 ideas, 2,000,000 votes and 200,000 comments on SQLite
and PostgreSQL — the list's first page (top, trending) beside the raw-SQL floor — then votes
cast through the real public vote endpoint under load (gunicorn, 2 workers, 16 connections).

    python bench/ideas.py                          # everything, both databases
    python bench/ideas.py --database sqlite        # sqlite | postgres | both
    python bench/ideas.py --scale 0.05             # a twentieth of the data, for a quick look
    python bench/ideas.py --measure-only           # re-measure on the data of the last build
    python bench/ideas.py --load-seconds 0         # no load test

Figures go to bench/results/ideas.json and are printed; bench/RESULTS.md is written by hand
from them. Not a test: nothing here asserts a time.

Data: raw bulk inserts (COPY on PostgreSQL, executemany on SQLite), with the counts the
services keep on an idea — vote_count, comment_count, trend_score (Σ services.vote_weight over
its counted votes) and listed — computed from the very rows written, and checked afterwards
by SQL. Votes per idea fall off like a power law (a few ideas draw tens of thousands), 2 % of
the votes are by visitors who never confirmed (not counted), comments follow the votes, 3 %
of them hidden; some ideas are hidden, merged or unpublished (not listed).

List: `selectors.portal_page` (page 1: `ideas_filtered` + `ideas_page` on the list's columns), as the portal calls it,
rows fetched, template rendering excluded; the raw-SQL floor is the SQL Django generates for
that page, run through a cursor on the same connection; when the URL `ideas:portal` exists,
the whole view through Django's test client as well (rendering included), anonymous and as a
remembered visitor. 300 runs each after 10 warm-ups, p50 / p95.

Load: gunicorn (2 sync workers, DEBUG off, as README's production line, behind a proxy: it
trusts X-Forwarded-For, so each simulated person has an address of their own and the per-IP
limit applies per person, as it would in production) on the bench database; a Python load
generator in its own process with 16 threads, each holding one keep-alive connection, POSTs
votes to `ideas:portal-vote` as confirmed visitors remembered by a device cookie, with the
CSRF cookie from a GET of the portal page. Each (visitor, idea) pair is sent once; afterwards
the new Vote rows and the growth of Σ vote_count must both equal the votes answered as cast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import math
import os
import random
import shutil
import string
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from due_list import _insert as _insert_rows  # noqa: E402
from due_list import _memory, _wait_for, percentiles  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data" / "ideas"
RESULTS = ROOT / "bench" / "results" / "ideas.json"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "tb_bench_ideas"
PG_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_NAME
VENDORS = {"sqlite": ["sqlite"], "postgres": ["postgresql"], "both": ["sqlite", "postgresql"]}
RUNS = 300
WARMUP = 10
CONNECTIONS = 16
PORT = 8767
LOAD_VISITORS = 4000
BATCH = 100_000
PLAN_FILE = DATA_DIR / "load-plan.json"

IDEAS, VOTES, COMMENTS, VISITORS = 20_000, 2_000_000, 200_000, 60_000
PRODUCTS = ["Wasserkocher Aurora", "Toaster Borealis", "Kaffeemühle Castor", "Standmixer Nova",
            "Eierkocher Vega", "Milchaufschäumer Lyra", "Sandwichmaker Orion", "Waffeleisen Sirius",
            "Entsafter Pollux", "Reiskocher Atlas", "Zitruspresse Capella", "Handmixer Deneb",
            "Küchenwaage Rigel", "Dörrgerät Mira", "Joghurtbereiter Antares",
            "Espressomaschine Altair", "Fritteuse Spica", "Stabmixer Wega", "Grill Arktur",
            "Kontaktgrill Beteigeuze"]  # fmt: skip
WISHES = ["Leiserer Betrieb", "Warmhaltefunktion", "Timer mit Abschaltautomatik",
          "Ersatzteile einzeln bestellbar", "Spülmaschinenfeste Teile", "Längeres Kabel",
          "Variante in Mattschwarz", "Englische Anleitung", "Display mit Temperaturanzeige",
          "Kindersicherung", "Größerer Behälter", "Kleinere Variante fürs Büro",
          "Energiesparmodus", "App-Anbindung", "Bessere Reinigungsmöglichkeit",
          "Deckel, der nicht klemmt", "Rutschfeste Füße", "Aufbewahrung für das Kabel",
          "Glas statt Kunststoff", "Programm für Eis", "Signalton abschaltbar",
          "Quieter motor", "A travel version", "Replaceable filter"]  # fmt: skip
DETAILS = ["für die Gastronomie", "für kleine Küchen", "im Hotelbetrieb", "für Linkshänder",
           "wie beim Vorgängermodell", "ohne Aufpreis", "for families", "im Büro", ""]  # fmt: skip
TEXTS = ["Bei uns im Betrieb läuft das Gerät täglich; {w} würde viel Zeit sparen.",
         "Ich habe das Gerät seit einem Jahr. {w} fehlt mir am meisten.",
         "Beim Wettbewerb gibt es das schon: {w}. Bitte nachziehen!",
         "We use it every morning. {w} would make a real difference.",
         "{w} – das wünschen sich alle in unserer Familie."]  # fmt: skip
REMARKS = ["Genau das wünsche ich mir auch!", "+1, bei uns dasselbe Problem.",
           "Wäre mir einen Aufpreis wert.", "Bitte unbedingt umsetzen.", "Same here.",
           "Beim Vorgänger war das besser gelöst.", "Hat jemand eine Übergangslösung?"]  # fmt: skip
STATUSES = [("new", 0.55), ("under_review", 0.15), ("planned", 0.1), ("in_progress", 0.06),
            ("done", 0.09), ("declined", 0.05)]  # fmt: skip


# --- data --------------------------------------------------------------------------------------


def _stamp(vendor: str):
    """How a datetime goes into a raw insert: naive UTC text on SQLite, aware on PostgreSQL."""
    if vendor == "sqlite":
        return lambda moment: moment.replace(tzinfo=None).isoformat(" ")
    return lambda moment: moment


def _insert(connection, vendor: str, table: str, columns: list[str], rows: list) -> None:
    """COPY on PostgreSQL; on SQLite executemany inside one explicit transaction (Django's
    connection is in autocommit, where each row would otherwise commit on its own)."""
    if vendor == "sqlite" and rows:
        connection.ensure_connection()
        connection.connection.execute("BEGIN")
    _insert_rows(connection, vendor, table, columns, rows)


def _vote_counts(rng: random.Random, ideas: int, votes: int, visitors: int) -> list[int]:
    """Votes per idea falling off like a power law (Zipf, s≈0.9), capped by the voters."""
    weights = [1 / (rank + 1) ** 0.9 for rank in range(ideas)]
    total = sum(weights)
    counts = [min(visitors, int(votes * weight / total)) for weight in weights]
    rest = votes - sum(counts)
    while rest > 0:
        index = rng.randrange(ideas)
        if counts[index] < visitors:
            counts[index] += 1
            rest -= 1
    rng.shuffle(counts)
    return counts


def build(scale: float, vendor: str) -> dict[str, object]:
    """Workspace, products, visitors, ideas, votes and comments, with consistent counts."""
    from django.db import connection

    from touchbase.catalogue.models import Product
    from touchbase.catalogue.services import product_save
    from touchbase.core.services import member_add, workspace_create
    from touchbase.core.tenancy import workspace_scope
    from touchbase.ideas.services import portal_settings, vote_weight

    started = time.perf_counter()
    rng = random.Random(9)
    n_ideas, n_votes = int(IDEAS * scale), int(VOTES * scale)
    n_comments, n_visitors = int(COMMENTS * scale), max(1000, int(VISITORS * scale))
    workspace = workspace_create(name="Bench GmbH", slug="bench")
    other = workspace_create(name="Other AG", slug="other")
    member_add(workspace=workspace, username="member", password=None, role="staff")
    with workspace_scope(workspace):
        portal_settings(workspace=workspace)
        products = [
            product_save(product=Product(workspace=workspace, name=name, sku=f"B-{n}"), aliases=[])
            for n, name in enumerate(PRODUCTS)
        ]
    with workspace_scope(other):
        portal_settings(workspace=other)
    stamp = _stamp(vendor)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    # Visitors: 2 % never confirmed (their votes are stored, not counted).
    confirmed = [rng.random() >= 0.02 for _ in range(n_visitors)]
    visitor_rows = []
    for index in range(n_visitors):
        joined = now - dt.timedelta(days=rng.uniform(1, 700))
        visitor_rows.append((
            index + 1, workspace.id, f"person{index}@example.com", f"Person {index}", "de",
            stamp(joined) if confirmed[index] else None, "", None, "", stamp(joined),
            stamp(joined),
        ))  # fmt: skip
    _insert(connection, vendor, "visitors_visitor", [
        "id", "workspace_id", "email", "name", "language", "confirmed_at", "link_nonce",
        "blocked_at", "block_reason", "created_at", "last_seen_at",
    ], visitor_rows)  # fmt: skip
    del visitor_rows
    timings = {"visitors_s": round(time.perf_counter() - started, 1)}

    counts = _vote_counts(rng, n_ideas, n_votes, n_visitors)
    born = [now - dt.timedelta(days=rng.uniform(0, 3 * 365)) for _ in range(n_ideas)]
    vote_count, trend = [0] * n_ideas, [0.0] * n_ideas
    comment_count = [0] * n_ideas
    state: list[tuple[bool, bool, int | None]] = []  # (published, hidden, merged into)
    for index in range(n_ideas):
        roll = rng.random()
        published, hidden, target = roll >= 0.01, 0.01 <= roll < 0.02, None
        if index and 0.02 <= roll < 0.025:
            target = rng.randint(1, index)
            while state[target - 1][2] is not None:
                target = rng.randint(1, index)
        state.append((published, hidden, target))
    # Unpublished ideas took no votes and merged ones lost theirs to the target: their share
    # goes to other ideas, so the table holds the votes asked for.
    for index, (published, _hidden, target) in enumerate(state):
        if not published or target is not None:
            while counts[index]:
                receiver = rng.randrange(n_ideas)
                room = n_visitors - counts[receiver]
                if state[receiver][0] and state[receiver][2] is None and room > 0:
                    moved = min(room, counts[index])
                    counts[receiver] += moved
                    counts[index] -= moved
    idea_rows = []
    for index in range(n_ideas):
        published, hidden, merged_into = state[index]
        wish, detail = rng.choice(WISHES), rng.choice(DETAILS)
        product = rng.choice(products) if rng.random() < 0.85 else None
        title = f"{wish} {detail}".strip() + (f" ({product.name})" if product else "")
        status = rng.choices([s for s, _w in STATUSES], weights=[w for _s, w in STATUSES])[0]
        answered = status != "new" and rng.random() < 0.7
        listed = published and not hidden and merged_into is None
        idea_rows.append((
            index + 1, workspace.id, product.pk if product else None, title[:140],
            rng.choice(TEXTS).format(w=wish), status,
            "Danke, wir haben das aufgenommen." if answered else "",
            stamp(now) if answered else None, None, rng.randrange(n_visitors) + 1, None, None,
            stamp(born[index]) if published else None, stamp(now) if hidden else None, None,
            merged_into, stamp(now) if merged_into else None, listed, 0, 0, 0.0,
            stamp(born[index]),
            stamp(now) if status != "new" else None,
        ))  # fmt: skip
    # Ideas before the rows that point to them; merged ones point to earlier ids.
    _insert(connection, vendor, "ideas_idea", [
        "id", "workspace_id", "product_id", "title", "text", "status", "answer", "answered_at",
        "answered_by_id", "author_visitor_id", "author_member_id", "author_contact_id",
        "published_at", "hidden_at", "locked_at", "merged_into_id", "merged_at", "listed",
        "vote_count", "comment_count", "trend_score", "created_at", "status_changed_at",
    ], idea_rows)  # fmt: skip
    timings["ideas_s"] = round(time.perf_counter() - started - sum(timings.values()), 1)
    del idea_rows
    columns = ["id", "workspace_id", "idea_id", "visitor_id", "contact_id", "recorded_by_id",
               "note", "counted", "created_at"]  # fmt: skip
    vote_id, batch = 0, []
    for index, count in enumerate(counts):
        start = born[index]
        span = (now - start).total_seconds()
        for visitor in rng.sample(range(n_visitors), count):
            # votes crowd towards the idea's first weeks and towards now
            at = start + dt.timedelta(seconds=span * (rng.random() ** 0.5 if rng.random() < 0.5
                                                      else 1 - rng.random() ** 3))  # fmt: skip
            counted = confirmed[visitor]
            vote_id += 1
            batch.append((vote_id, workspace.id, index + 1, visitor + 1, None, None, "",
                          counted, stamp(at)))  # fmt: skip
            if counted:
                vote_count[index] += 1
                trend[index] += vote_weight(at)
        if len(batch) >= BATCH:
            _insert(connection, vendor, "ideas_vote", columns, batch)
            batch = []
    _insert(connection, vendor, "ideas_vote", columns, batch)
    timings["votes_s"] = round(time.perf_counter() - started - sum(timings.values()), 1)

    # Comments follow the votes: popular ideas are discussed more.
    weights = [count + 1 for count in counts]
    targets = rng.choices(range(n_ideas), weights=weights, k=n_comments)
    columns = ["id", "workspace_id", "idea_id", "visitor_id", "member_id", "text",
               "published_at", "hidden_at", "created_at"]  # fmt: skip
    batch = []
    for comment_id, index in enumerate(targets, start=1):
        if state[index][2] is not None:
            index = state[index][2] - 1
        visitor = rng.randrange(n_visitors)
        at = born[index] + (now - born[index]) * rng.random()
        public = confirmed[visitor]
        hidden = public and rng.random() < 0.03
        batch.append((comment_id, workspace.id, index + 1, visitor + 1, None,
                      rng.choice(REMARKS), stamp(at) if public else None,
                      stamp(now) if hidden else None, stamp(at)))  # fmt: skip
        if public and not hidden:
            comment_count[index] += 1
        if len(batch) >= BATCH:
            _insert(connection, vendor, "ideas_comment", columns, batch)
            batch = []
    _insert(connection, vendor, "ideas_comment", columns, batch)
    timings["comments_s"] = round(time.perf_counter() - started - sum(timings.values()), 1)

    # The counts, as the services would have left them after each of those rows.
    _counts_write(
        connection,
        vendor,
        list(zip(vote_count, comment_count, trend, range(1, n_ideas + 1), strict=True)),
    )
    timings["counts_s"] = round(time.perf_counter() - started - sum(timings.values()), 1)
    _other_workspace_ideas(connection, vendor, other, n_ideas, stamp(now))
    _analyze(connection, vendor)
    timings["analyze_s"] = round(time.perf_counter() - started - sum(timings.values()), 1)
    return {"ideas": n_ideas, "votes": vote_id, "comments": n_comments, "visitors": n_visitors,
            "listed_ideas": sum(1 for p, h, m in state if p and not h and m is None),
            "most_votes_on_one_idea": max(vote_count),
            "build_s": round(time.perf_counter() - started, 1), "build_parts": timings}  # fmt: skip


def _counts_write(connection, vendor: str, rows: list[tuple[int, int, float, int]]) -> None:
    connection.ensure_connection()
    raw = connection.connection
    mark = "?" if vendor == "sqlite" else "%s"
    sql = (f"UPDATE ideas_idea SET vote_count = {mark}, comment_count = {mark}, "
           f"trend_score = {mark} WHERE id = {mark}")  # fmt: skip
    if vendor == "sqlite":
        raw.executemany(sql, rows)
    else:
        with raw.cursor() as cursor:
            cursor.executemany(sql, rows)
    raw.commit()


def _other_workspace_ideas(connection, vendor: str, other, offset: int, now) -> None:
    """A second workspace with ideas of its own, voted higher than any: lists must skip them."""
    _insert(connection, vendor, "ideas_idea", [
        "id", "workspace_id", "title", "text", "status", "answer", "published_at", "listed",
        "vote_count", "comment_count", "trend_score", "created_at",
    ], [(offset + n + 1, other.id, f"Fremde Idee {n}", "", "new", "", now, True, 10**7,
         0, 1e300, now) for n in range(50)])  # fmt: skip


def _analyze(connection, vendor: str) -> None:
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            for table in ("visitors_visitor", "ideas_idea", "ideas_vote", "ideas_comment"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT MAX(id) FROM {table}))")  # fmt: skip
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


def consistency() -> dict[str, object]:
    """The counts on every idea against its rows, by SQL: how many ideas disagree."""
    from django.db import connection

    from touchbase.ideas.models import Idea, Vote
    from touchbase.ideas.services import vote_weight

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT COUNT(*) FROM ideas_idea i
            JOIN core_workspace w ON w.id = i.workspace_id AND w.slug = 'bench'
            WHERE (i.vote_count <> (
              SELECT COUNT(*) FROM ideas_vote v WHERE v.idea_id = i.id AND v.counted)
            OR i.comment_count <> (
              SELECT COUNT(*) FROM ideas_comment c WHERE c.idea_id = i.id
              AND c.published_at IS NOT NULL AND c.hidden_at IS NULL)
            OR i.listed <> (i.published_at IS NOT NULL AND i.hidden_at IS NULL
                            AND i.merged_into_id IS NULL))""")
        wrong = cursor.fetchone()[0]
    # trend_score on a sample of the most voted ideas (summing 2M exponentials takes a while)
    trend_wrong = 0
    for idea in Idea.objects.filter(workspace__slug="bench").order_by("-vote_count")[:20]:
        moments = Vote.objects.filter(idea=idea, counted=True).values_list("created_at", flat=True)
        expected = math.fsum(vote_weight(at) for at in moments.iterator(chunk_size=20_000))
        trend_wrong += not math.isclose(idea.trend_score, expected, rel_tol=1e-6)
    return {"ideas_with_wrong_counts": wrong, "top_ideas_with_wrong_trend": trend_wrong}


# --- list measurements -------------------------------------------------------------------------


def timed(call, runs: int = RUNS) -> dict[str, float]:
    for _ in range(WARMUP):
        call()  # warm caches, as a running server would be
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def _view_url(slug: str) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("ideas:portal", args=[slug])
    except NoReverseMatch:
        return None


def measure() -> dict[str, object]:
    """Server-side times of the first page, top and trending: selector, raw SQL, the view."""
    from django.db import connection
    from django.test import Client

    from touchbase.core.models import Workspace
    from touchbase.core.tenancy import workspace_scope
    from touchbase.ideas import selectors
    from touchbase.ideas.choices import IdeaSort

    workspace = Workspace.objects.get(slug="bench")
    figures: dict[str, object] = {}
    with workspace_scope(workspace):
        for sort in (IdeaSort.TOP, IdeaSort.TRENDING):
            wanted = selectors.IdeaFilter(sort=sort)

            def page(wanted=wanted) -> list:
                found, _more = selectors.portal_page(workspace=workspace, wanted=wanted, page=1)
                return found

            rows = selectors.ideas_filtered(workspace=workspace, wanted=wanted, search_text=False)
            sliced = rows.only(*selectors.PORTAL_LIST_COLUMNS).select_related("product")[
                : selectors.PAGE_SIZE + 1
            ]
            sql, params = sliced.query.sql_with_params()

            def raw(sql=sql, params=params) -> None:
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    cursor.fetchall()

            first = page()
            assert len(first) == selectors.PAGE_SIZE, len(first)
            assert all(idea.workspace_id == workspace.pk for idea in first)
            figures[f"selector_{sort}"] = timed(page)
            figures[f"raw_sql_{sort}"] = timed(raw)
            figures[f"sql_{sort}"] = sql % tuple(repr(p) for p in params)
            figures[f"first_{sort}_votes"] = [idea.vote_count for idea in first[:3]]
    url = _view_url("bench")
    if url is None:
        figures["view"] = "not measured: the URL ideas:portal does not exist in this tree"
    else:
        anonymous = Client(HTTP_HOST="127.0.0.1")
        remembered = Client(HTTP_HOST="127.0.0.1")
        cookie, token = _remembered_visitor(workspace)
        remembered.cookies[cookie] = token
        for sort in (IdeaSort.TOP, IdeaSort.TRENDING):

            def view(client=anonymous, sort=sort) -> None:
                response = client.get(url, {"sort": sort})
                assert response.status_code == 200, response.status_code

            figures[f"view_{sort}"] = timed(view)
        figures["view_top_remembered_visitor"] = timed(lambda: remembered.get(url, {"sort": "top"}))
        figures["view_url"] = url + "?sort=top"
    top, trending = figures["selector_top"], figures["selector_trending"]
    raw_top, raw_trending = figures["raw_sql_top"], figures["raw_sql_trending"]
    figures.update(
        list_p95_ms=top["p95_ms"], trending_p95_ms=trending["p95_ms"],
        raw_sql_p95_ms=raw_top["p95_ms"], raw_sql_trending_p95_ms=raw_trending["p95_ms"],
        list_vs_raw=round(top["p95_ms"] / raw_top["p95_ms"], 2),
        trending_vs_raw=round(trending["p95_ms"] / raw_trending["p95_ms"], 2),
    )  # fmt: skip
    if isinstance(figures.get("view_top"), dict):
        figures["view_list_p95_ms"] = figures["view_top"]["p95_ms"]  # type: ignore[index]
        figures["view_trending_p95_ms"] = figures["view_trending"]["p95_ms"]  # type: ignore[index]
    return figures


def _remembered_visitor(workspace) -> tuple[str, str]:
    """A confirmed visitor remembered on a device, the way the confirmation link leaves them."""
    from touchbase.visitors.models import Visitor, VisitorDevice
    from touchbase.visitors.services import cookie_name

    visitor = Visitor.objects.filter(workspace=workspace, confirmed_at__isnull=False).first()
    assert visitor is not None
    token = f"bench-view-{visitor.pk}"
    VisitorDevice.objects.get_or_create(
        workspace=workspace, token_hash=hashlib.sha256(token.encode()).hexdigest(),
        defaults={"visitor": visitor},
    )  # fmt: skip
    return cookie_name(workspace), token


# --- load test ---------------------------------------------------------------------------------


def load_prepare(seconds: int) -> dict[str, object]:
    """Confirmed visitors with known device tokens, and for each a list of ideas to vote for."""
    from django.db import connection
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from touchbase.core.models import Workspace
    from touchbase.ideas.models import Idea, Vote
    from touchbase.visitors.models import Visitor, VisitorDevice
    from touchbase.visitors.services import cookie_name

    workspace = Workspace.objects.get(slug="bench")
    try:
        reverse("ideas:portal-vote", args=["bench", 1])
    except NoReverseMatch:
        return {"skipped": "the URL ideas:portal-vote does not exist in this tree"}
    run = f"{int(time.time())}"
    now = timezone.now()
    visitors = Visitor.objects.bulk_create(
        Visitor(workspace=workspace, email=f"load{run}-{n}@example.com", name=f"Load {n}",
                confirmed_at=now, created_at=now)
        for n in range(LOAD_VISITORS)
    )  # fmt: skip
    tokens = [f"bench-load-{run}-{visitor.pk}" for visitor in visitors]
    VisitorDevice.objects.bulk_create(
        VisitorDevice(workspace=workspace, visitor=visitor, user_agent="bench",
                      token_hash=hashlib.sha256(token.encode()).hexdigest())
        for visitor, token in zip(visitors, tokens, strict=True)
    )  # fmt: skip
    rng = random.Random(int(run))
    open_ideas = list(
        Idea.objects.filter(workspace=workspace, listed=True, locked_at=None)
        .order_by("-vote_count")
        .values_list("pk", flat=True)[:5000]
    )
    # New visitors have voted for nothing: each (visitor, idea) pair below is a new vote.
    per_visitor = 40
    plan = {
        "slug": workspace.slug,
        "cookie": cookie_name(workspace),
        "portal": reverse("ideas:portal", args=[workspace.slug]),
        "votes": [
            {
                "token": token,
                "address": f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}",
                "paths": [
                    reverse("ideas:portal-vote", args=[workspace.slug, idea])
                    for idea in rng.sample(open_ideas, per_visitor)
                ],
            }
            for n, token in enumerate(tokens)
        ],
        "seconds": seconds,
        "visitor_ids": [visitor.pk for visitor in visitors],
    }
    PLAN_FILE.write_text(json.dumps(plan))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(vote_count), 0) FROM ideas_idea WHERE workspace_id = %s",
                       [workspace.pk])  # fmt: skip
        vote_sum = int(cursor.fetchone()[0])
    return {"vote_count_sum_before": vote_sum,
            "votes_before": Vote.objects.filter(workspace=workspace, counted=True).count()}  # fmt: skip


def load_verify(before: dict, cast: int) -> dict[str, object]:
    """Rows and counts after the load: both must have grown by exactly the votes cast."""
    from django.db import connection

    from touchbase.core.models import Workspace
    from touchbase.ideas.models import Vote

    plan = json.loads(PLAN_FILE.read_text())
    workspace = Workspace.objects.get(slug="bench")
    rows = Vote.objects.filter(visitor_id__in=plan["visitor_ids"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(vote_count), 0) FROM ideas_idea WHERE workspace_id = %s",
                       [workspace.pk])  # fmt: skip
        vote_sum = int(cursor.fetchone()[0])
    new_rows = rows.count()
    counted_rows = rows.filter(counted=True).count()
    grown = vote_sum - int(before["vote_count_sum_before"])
    return {
        "votes_answered_as_cast": cast, "vote_rows_written": new_rows,
        "counted_vote_rows_written": counted_rows, "vote_count_sum_grew_by": grown,
        "votes_lost": max(0, cast - new_rows, cast - grown),
        "votes_doubled": max(0, new_rows - cast, grown - cast),
    }  # fmt: skip


def load_client(seconds: float) -> None:
    """The load generator, in a process of its own: keep-alive connections, one per thread."""
    plan = json.loads(PLAN_FILE.read_text())
    people = plan["votes"]
    latencies: list[list[float]] = [[] for _ in range(CONNECTIONS)]
    cast, refused, errors = [0] * CONNECTIONS, [0] * CONNECTIONS, [0] * CONNECTIONS
    statuses: dict[int, int] = {}
    stop_at = time.perf_counter() + seconds

    def connect() -> tuple[http.client.HTTPConnection, str]:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        conn.request("GET", plan["portal"])
        response = conn.getresponse()
        response.read()
        cookies = response.headers.get_all("Set-Cookie") or []
        found = [c.split(";", 1)[0].split("=", 1)[1] for c in cookies if c.startswith("csrftoken=")]
        # A page without a form sets no CSRF cookie; Django accepts any secret of its own
        # format sent both as cookie and as form field (double submit), as a browser would.
        return conn, found[0] if found else "".join(random.choices(string.ascii_letters, k=32))

    def worker(number: int) -> None:
        conn, csrf = connect()
        mine = people[number::CONNECTIONS]
        queue = [(person, path) for step in range(40) for person in mine
                 for path in person["paths"][step : step + 1]]  # fmt: skip
        next_path = plan["portal"] + "?sort=top"
        for person, path in queue:
            if time.perf_counter() >= stop_at:
                break
            body = urlencode({"csrfmiddlewaretoken": csrf, "next": next_path, "subscribe": "on"})
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf}; {plan['cookie']}={person['token']}",
                "X-Forwarded-For": person["address"],
                "HX-Request": "true", "Connection": "keep-alive",
            }  # fmt: skip
            began = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException):
                errors[number] += 1  # sent, but whether it was counted is unknown
                conn.close()
                conn, csrf = connect()
                continue
            latencies[number].append((time.perf_counter() - began) * 1000)
            statuses[response.status] = statuses.get(response.status, 0) + 1
            # The fragment htmx swaps in shows the button pressed: the vote is in.
            if response.status == 200 and b'aria-pressed="true"' in answer:
                cast[number] += 1
            else:
                refused[number] += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    samples = [ms for per_thread in latencies for ms in per_thread]
    figures = percentiles(samples) if samples else {}
    print("RESULT " + json.dumps({
        "requests": len(samples), "cast": sum(cast), "refused": sum(refused),
        "errors": sum(errors), "statuses": statuses, "duration_s": round(elapsed, 1),
        "votes_per_s": round(sum(cast) / elapsed, 1), **figures,
    }), flush=True)  # fmt: skip


def run_load(vendor: str, scale: float, seconds: int) -> dict[str, object]:
    before = _child(vendor, "load-prepare", scale, seconds)
    if "skipped" in before:
        return before
    env = {**_env(vendor), "TOUCHBASE_DEBUG": "0", "TOUCHBASE_PROXY_FORWARDED_FOR": "1"}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "touchbase.wsgi:application", "--workers", "2", "--bind",
         f"127.0.0.1:{PORT}", "--log-level", "warning"], env=env,
    )  # fmt: skip
    try:
        _wait_for(f"http://127.0.0.1:{PORT}/healthz")
        process = subprocess.run(
            [sys.executable, __file__, "--load-client", "--load-seconds", str(seconds)],
            capture_output=True, text=True, env=env,
        )  # fmt: skip
        if process.returncode:
            sys.stderr.write(process.stderr[-4000:])
            raise SystemExit("the load client failed")
        line = next(row for row in process.stdout.splitlines() if row.startswith("RESULT "))
        load = json.loads(line[7:])
    finally:
        server.terminate()
        server.wait(timeout=30)
    verified = _child(vendor, "load-verify", scale, seconds,
                      extra=("--before", json.dumps(before), "--cast", str(load["cast"])))  # fmt: skip
    return {
        "server": "gunicorn, 2 sync workers, DEBUG off, X-Forwarded-For trusted",
        "connections": CONNECTIONS, **load, **verified, "p95_ms": load.get("p95_ms"),
        "votes_per_s": load["votes_per_s"], "votes_lost": verified["votes_lost"],
    }  # fmt: skip


# --- processes ---------------------------------------------------------------------------------


def _env(vendor: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "touchbase.settings",
           "PYTHONPATH": str(ROOT / "src")}  # fmt: skip
    if vendor == "postgresql":
        env["DATABASE_URL"] = PG_URL
    else:
        env.pop("DATABASE_URL", None)
        env["TOUCHBASE_DATA_DIR"] = str(DATA_DIR / "sqlite")
    return env


def fresh_database(vendor: str) -> None:
    if vendor == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_NAME}")
    else:
        shutil.rmtree(DATA_DIR / "sqlite", ignore_errors=True)


def _child(vendor: str, step: str, scale: float, seconds: int, extra: tuple[str, ...] = ()) -> dict:
    process = subprocess.run(
        [sys.executable, __file__, "--child", vendor, step, "--scale", str(scale),
         "--load-seconds", str(seconds), *extra],
        capture_output=True, text=True, env=_env(vendor),
    )  # fmt: skip
    if process.returncode:
        sys.stderr.write(process.stderr[-5000:])
        raise SystemExit(f"{vendor} {step} failed")
    line = next(row for row in process.stdout.splitlines() if row.startswith("RESULT "))
    result = json.loads(line[7:])
    print(f"[{vendor}] {step}: {json.dumps(result, ensure_ascii=False)[:1500]}", flush=True)
    return result


def child(vendor: str, step: str, args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from touchbase.core.tenancy import scopes_disabled

    with scopes_disabled():
        if step == "build":
            call_command("migrate", verbosity=0)
            return {**build(args.scale, vendor), **consistency()}
        if step == "measure":
            return measure()
        if step == "load-prepare":
            return load_prepare(args.load_seconds)
        if step == "load-verify":
            return load_verify(json.loads(args.before), args.cast)
    raise SystemExit(f"unknown step {step}")


def _noted(part) -> dict:
    """A part's figures with when they were taken and how busy the machine was (2 cores)."""
    before = os.getloadavg()[0]
    figures = part()
    return {**figures, "measured_at": dt.datetime.now().isoformat(timespec="minutes"),
            "load_average": [round(before, 2), round(os.getloadavg()[0], 2)]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=sorted(VENDORS), default="both")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--measure-only", action="store_true",
                        help="reuse the data of the last build")  # fmt: skip
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--load-client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--before", help=argparse.SUPPRESS)
    parser.add_argument("--cast", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if args.load_client:
        load_client(args.load_seconds)
        return
    if args.child:
        sys.path.insert(0, str(ROOT / "src"))
        print("RESULT " + json.dumps(child(*args.child, args), default=str), flush=True)
        return
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for vendor in VENDORS[args.database]:
        figures: dict = dict(results.get(vendor, {})) if args.measure_only else {}
        if not args.measure_only:
            fresh_database(vendor)
            figures["data"] = _noted(lambda v=vendor: _child(v, "build", args.scale, 0))
        figures["list"] = _noted(lambda v=vendor: _child(v, "measure", args.scale, 0))
        for key in ("list_p95_ms", "trending_p95_ms", "raw_sql_p95_ms", "view_list_p95_ms"):
            figures[key] = figures["list"].get(key)
        if args.load_seconds:
            load = _noted(lambda v=vendor: run_load(v, args.scale, args.load_seconds))
            figures["load"] = load
            for key in ("votes_per_s", "p95_ms", "votes_lost"):
                figures[key] = load.get(key)
        results[vendor] = figures
    results["machine"] = f"{os.cpu_count()} cores, {_memory()}, {sys.platform}"
    results["date"] = dt.date.today().isoformat()
    results["command"] = "python bench/ideas.py " + " ".join(sys.argv[1:])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
