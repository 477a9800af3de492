"""Benchmark: contact and account search at 20,000 accounts / 100,000 contacts on SQLite and
PostgreSQL, beside the raw-SQL floor; then the contacts API under load (gunicorn, 2 workers,
DEBUG off, PostgreSQL, 16 keep-alive connections) for searches and the unfiltered list.

    python bench/search.py                   # everything (about 5 minutes on 2 cores)
    python bench/search.py --only sqlite     # one part: sqlite | postgresql | load
    python bench/search.py --measure-only    # re-measure on the data of the last build
    python bench/search.py --scale 0.1       # a tenth of the data, for a quick look

Figures go to bench/results/search.json and are printed; bench/RESULTS.md is written by hand
from them. Not a test: nothing here asserts a time.

The load generator is Python (wrk is not installed on the bench machine): one process of its
own with 16 threads, each holding one keep-alive connection (http.client), so its CPU is
not the server's. Search terms are drawn from the data as people type them: common German
surnames in every spelling of their umlauts, names with first names, parts of e-mail
addresses, phone numbers in national and international notation, cities and companies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from due_list import _child as run_child  # noqa: E402
from due_list import _insert, _memory, _wait_for, timed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data" / "search"
RESULTS = ROOT / "bench" / "results" / "search.json"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "touchbase_bench_search"
PG_URL = os.environ.get("BENCH_PG_URL", f"postgres://postgres@127.0.0.1:5432/{PG_NAME}")
REQUESTS = 300
CONNECTIONS = 16
PG_TOKEN_FILE = DATA_DIR / "token-postgresql.txt"
TERMS_FILE = DATA_DIR / "terms.json"
PORT = 8766

# The most common German surnames, most common first.
SURNAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Schmitz",
    "Krause",
    "Meier",
    "Lehmann",
    "Schmid",
    "Schulze",
    "Maier",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Mayer",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Lang",
    "Scholz",
    "Möller",
    "Weiß",
    "Jung",
    "Hahn",
    "Schubert",
    "Vogel",
    "Friedrich",
    "Keller",
    "Günther",
    "Frank",
    "Berger",
    "Winkler",
    "Roth",
    "Beck",
    "Lorenz",
    "Baumann",
    "Franke",
    "Albrecht",
    "Schuster",
    "Simon",
    "Ludwig",
    "Böhm",
    "Winter",
    "Kraus",
    "Martin",
    "Schumacher",
    "Krämer",
    "Vogt",
    "Stein",
    "Jäger",
    "Otto",
    "Sommer",
    "Groß",
    "Seidel",
    "Heinrich",
    "Brandt",
    "Haas",
    "Schreiber",
    "Graf",
    "Schulte",
    "Dietrich",
    "Ziegler",
    "Kuhn",
    "Kühn",
    "Pohl",
    "Engel",
    "Horn",
    "Busch",
    "Bergmann",
    "Thomas",
    "Voigt",
    "Sauer",
    "Arnold",
    "Wolff",
    "Pfeiffer",
]
SYLLABLES_A = [
    "Al",
    "Bar",
    "Ber",
    "Bir",
    "Brun",
    "Dan",
    "Eck",
    "Eh",
    "Fal",
    "Feld",
    "Gar",
    "Hal",
    "Hein",
    "Hil",
    "Holz",
    "Kal",
    "Kirch",
    "Kl",
    "Lin",
    "Mar",
    "Nie",
    "Ober",
    "Pfaff",
    "Rein",
    "Ros",
    "Sie",
    "Stau",
    "Tann",
    "Ull",
    "Wal",
    "Wies",
    "Zell",
    "Bött",
    "Grä",
    "Hüb",
    "Löf",
    "Mös",
    "Schö",
    "Stü",
    "Wür",
]
SYLLABLES_B = [
    "ber",
    "brecht",
    "dorf",
    "eder",
    "feld",
    "ger",
    "hart",
    "hauser",
    "heim",
    "holz",
    "inger",
    "kamp",
    "ling",
    "mann",
    "bach",
    "berg",
    "brink",
    "busch",
    "hof",
    "horst",
    "kötter",
    "meier",
    "rath",
    "stätter",
]
SYLLABLES_C = ("", "er", "s", "t", "el", "ke", "ner", "ing", "l", "ski")
FIRST_NAMES = [
    "Anna",
    "Maria",
    "Julia",
    "Laura",
    "Lena",
    "Sarah",
    "Katharina",
    "Sabine",
    "Petra",
    "Andrea",
    "Claudia",
    "Monika",
    "Ursula",
    "Jürgen",
    "Peter",
    "Michael",
    "Thomas",
    "Andreas",
    "Stefan",
    "Frank",
    "Klaus",
    "Wolfgang",
    "Markus",
    "Christian",
    "Jörg",
    "Günter",
    "Uwe",
    "Dieter",
    "Jens",
    "Lukas",
    "Jonas",
    "Leon",
    "Felix",
    "Paul",
    "Björn",
    "Sönke",
    "Ute",
    "Gisela",
    "Bärbel",
    "Jürgen",
]
CITIES = [
    ("Berlin", "30"), ("Hamburg", "40"), ("München", "89"), ("Köln", "221"),
    ("Frankfurt am Main", "69"), ("Stuttgart", "711"), ("Düsseldorf", "211"),
    ("Leipzig", "341"), ("Dortmund", "231"), ("Essen", "201"), ("Bremen", "421"),
    ("Dresden", "351"), ("Hannover", "511"), ("Nürnberg", "911"), ("Duisburg", "203"),
    ("Bochum", "234"), ("Wuppertal", "202"), ("Bielefeld", "521"), ("Bonn", "228"),
    ("Münster", "251"), ("Mannheim", "621"), ("Karlsruhe", "721"), ("Augsburg", "821"),
    ("Wiesbaden", "611"), ("Mönchengladbach", "2161"), ("Gelsenkirchen", "209"),
    ("Aachen", "241"), ("Braunschweig", "531"), ("Kiel", "431"), ("Chemnitz", "371"),
    ("Halle (Saale)", "345"), ("Magdeburg", "391"), ("Freiburg im Breisgau", "761"),
    ("Krefeld", "2151"), ("Mainz", "6131"), ("Lübeck", "451"), ("Erfurt", "361"),
    ("Oberhausen", "208"), ("Rostock", "381"), ("Kassel", "561"), ("Hagen", "2331"),
    ("Potsdam", "331"), ("Saarbrücken", "681"), ("Hamm", "2381"), ("Ludwigshafen", "621"),
    ("Oldenburg", "441"), ("Osnabrück", "541"), ("Leverkusen", "214"), ("Heidelberg", "6221"),
    ("Darmstadt", "6151"), ("Würzburg", "931"), ("Regensburg", "941"), ("Göttingen", "551"),
    ("Ulm", "731"), ("Passau", "851"), ("Bamberg", "951"), ("Konstanz", "7531"),
    ("Weißenburg in Bayern", "9141"), ("Füssen", "8362"), ("Lörrach", "7621"),
]  # fmt: skip
TRADES = [
    "GmbH", "GmbH & Co. KG", "AG", "Maschinenbau GmbH", "Metallbau", "Elektrotechnik",
    "Bäckerei", "Autohaus", "Steuerberatung", "Druckerei", "Schreinerei", "Apotheke",
    "Logistik GmbH", "Software GmbH", "Hotel", "Gasthof", "Brauerei", "Baustoffe",
    "Sanitär- und Heizungsbau", "Landtechnik", "Immobilien", "Feinkost", "Optik", "& Söhne",
]  # fmt: skip


def _ascii(text: str) -> str:
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.lower().replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ch.isalnum() or ch in "-.")


# As in Germany: the 100 most common names carry about 15 % of the people, Müller about 1 %
# (Zipf with exponent 0.6); the rest is a long tail of made-up names.
SURNAME_WEIGHTS = [(rank + 1) ** -0.6 for rank in range(len(SURNAMES))]


def _surname(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    return rng.choice(SYLLABLES_A) + rng.choice(SYLLABLES_B) + rng.choice(SYLLABLES_C)


def _phone(rng: random.Random, area: str) -> str:
    digits = 10 - len(area) + rng.randint(0, 1)
    return "+49" + area + str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9))
                                                         for _ in range(digits))  # fmt: skip


def _mobile(rng: random.Random) -> str:
    prefix = rng.choice(["151", "160", "170", "171", "172", "175", "176", "179"])
    return "+49" + prefix + "".join(str(rng.randint(0, 9)) for _ in range(7 + rng.randint(0, 1)))


# --- data --------------------------------------------------------------------------------------


def build(scale: float, vendor: str) -> dict[str, object]:
    """Accounts and contacts with raw bulk inserts; their search text by the app's own function."""
    from django.db import connection

    from touchbase.core.services import member_add, workspace_create
    from touchbase.relationships.models import account_search_text, contact_search_text

    started = time.perf_counter()
    rng = random.Random(7)
    n_accounts, n_contacts = int(20_000 * scale), int(100_000 * scale)
    workspace = workspace_create(name="Bench GmbH", slug="bench")
    other = workspace_create(name="Other AG", slug="other")
    member_add(workspace=workspace, username="member", password=None, role="staff")
    member_add(workspace=other, username="outsider", password=None)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    stamp = now.replace(tzinfo=None).isoformat(" ") if vendor == "sqlite" else now
    due = now.date().isoformat() if vendor == "sqlite" else now.date()

    accounts = []
    for index in range(n_accounts):
        city, area = rng.choice(CITIES)
        trade = rng.choice(TRADES)
        name = f"{trade} {city}" if trade in ("Hotel", "Gasthof", "Apotheke") else (
            f"{_surname(rng)} {trade}")  # fmt: skip
        domain = _ascii(name.split()[0]) + f"{index}.de"
        phone, email = _phone(rng, area), f"info@{domain}"
        accounts.append((name, city, area, domain, phone, email))
    _insert(connection, vendor, "relationships_account", [
        "id", "workspace_id", "name", "segment", "is_key_account", "value", "cadence_days",
        "attempts", "snooze_reason", "street", "postal_code", "city", "region", "country",
        "phone", "email", "website", "notes", "language", "next_due_on", "cadence_due_on",
        "created_at", "updated_at", "search_text",
    ], [(index + 1, workspace.id, name, "Handel", False, 1000, 365, 0, "", "", "", city, "",
         "DE", phone, email, "", "", "de", due, due, stamp, stamp,
         account_search_text(name=name, email=email, phone=phone, city=city))
        for index, (name, city, _area, _domain, phone, email) in enumerate(accounts)])  # fmt: skip

    rows = []
    for index in range(n_contacts):
        account_id = rng.randint(1, n_accounts)
        account_name, city, area, domain, _phone_a, _email = accounts[account_id - 1]
        if rng.random() < 0.3:  # lives elsewhere than the company's seat
            city, area = rng.choice(CITIES)
        first, last = rng.choice(FIRST_NAMES), _surname(rng)
        email = f"{_ascii(first)[0]}.{_ascii(last)}@{domain}" if rng.random() < 0.5 else (
            f"{_ascii(first)}.{_ascii(last)}@{domain}")  # fmt: skip
        phone = _phone(rng, area) if rng.random() < 0.85 else ""
        mobile = _mobile(rng) if rng.random() < 0.4 else ""
        text = contact_search_text(first_name=first, last_name=last, email=email, phone=phone,
                                   mobile=mobile, city=city, account_name=account_name)  # fmt: skip
        rows.append((
            index + 1, workspace.id, account_id, first, last, email, phone, mobile, city, 1000,
            365, 0, "", "", "", "", "DE", "", "", "", "de", "", due, due, stamp, stamp, text,
        ))  # fmt: skip
    _insert(connection, vendor, "relationships_contact", [
        "id", "workspace_id", "account_id", "first_name", "last_name", "email", "phone",
        "mobile", "city", "value", "cadence_days", "attempts", "snooze_reason", "street",
        "postal_code", "region", "country", "job_title", "preferred_channel", "wellbeing_note",
        "language", "snoozed_until", "next_due_on", "cadence_due_on", "created_at",
        "updated_at", "search_text",
    ], [row[:21] + (None,) + row[22:] for row in rows])  # fmt: skip
    _analyze(connection, vendor)
    terms = search_terms(rng, rows, accounts)
    TERMS_FILE.write_text(json.dumps(terms, ensure_ascii=False, indent=0))
    return {"accounts": n_accounts, "contacts": n_contacts,
            "build_s": round(time.perf_counter() - started, 1)}  # fmt: skip


def _analyze(connection, vendor: str) -> None:
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            for table in ("relationships_account", "relationships_contact"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT MAX(id) FROM {table}))")  # fmt: skip
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


def _spellings(name: str, rng: random.Random) -> str:
    """As people type a name: as written, lower case, umlauts spelled out or dropped."""
    choice = rng.random()
    if choice < 0.4:
        return name
    if choice < 0.6:
        return name.lower()
    if choice < 0.85:
        return name.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _national(e164: str) -> str:
    """+49761… in a notation people type: "0761 123…", "0761/123…", "+49 761 123…"."""
    import phonenumbers

    number = phonenumbers.parse(e164, None)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return random.Random(e164).choice([national, national.replace(" ", "/"),
                                       national.replace(" ", ""), e164])  # fmt: skip


def search_terms(rng: random.Random, rows: list, accounts: list) -> list[str]:
    """300 queries as people type them, drawn from the data."""
    terms: list[str] = []
    kinds = ["common", "common", "common", "rare", "full", "email", "phone", "phone", "city",
             "company"]  # fmt: skip
    while len(terms) < REQUESTS:
        row = rng.choice(rows)
        first, last, email, phone, mobile, city = row[3], row[4], row[5], row[6], row[7], row[8]
        kind = rng.choice(kinds)
        if kind == "common":
            term = _spellings(rng.choice(SURNAMES[:40]), rng)
        elif kind == "rare":
            term = _spellings(last, rng)
        elif kind == "full":
            term = f"{first} {_spellings(last, rng)}"
        elif kind == "email":
            local, _at, domain = email.partition("@")
            term = local[: rng.randint(5, len(local))] if rng.random() < 0.6 else (
                f"{local}@{domain[:4]}")  # fmt: skip
        elif kind == "phone":
            number = phone or mobile
            if not number:
                continue
            typed = _national(number)
            term = typed[: rng.randint(min(7, len(typed)), len(typed))]
        elif kind == "city":
            term = _spellings(city, rng)
        else:
            term = rng.choice(accounts)[0].split()[0]
        terms.append(term.strip())
    return terms


# --- measurements ------------------------------------------------------------------------------


def measure(vendor: str) -> dict[str, object]:
    """Server-side times of search through the selector and the API, beside raw SQL."""
    from django.db import connection
    from django.test import Client

    from touchbase.core.models import Membership, Workspace
    from touchbase.core.services import api_token_create
    from touchbase.core.tenancy import workspace_scope
    from touchbase.relationships import selectors

    workspace = Workspace.objects.get(slug="bench")
    terms = json.loads(TERMS_FILE.read_text())
    member = Membership.objects.get(workspace=workspace, user__username="member")
    _, token = api_token_create(membership=member, name=f"bench {dt.datetime.now(dt.UTC)}")
    if vendor == "postgresql":
        PG_TOKEN_FILE.write_text(token)  # for the load test
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    hits: list[int] = []

    first_page = selectors.Page(offset=0, limit=51)  # as the API asks for limit=50

    def contact_query(term: str):
        contacts = selectors.contact_list(workspace=workspace, search=term, page=first_page)
        return selectors.contact_rows(contacts)

    def contact_search(term: str) -> None:
        hits.append(len(list(contact_query(term))))

    def contact_raw(term: str) -> None:
        sql, params = contact_query(term).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    def account_query(term: str):
        return selectors.account_list(workspace=workspace, search=term, page=first_page)

    def account_search(term: str) -> None:
        list(account_query(term))

    def account_raw(term: str) -> None:
        sql, params = account_query(term).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    def api_search(term: str) -> None:
        response = client.get("/api/v1/contacts", {"q": term, "limit": 50})
        assert response.status_code == 200, response.content[:300]

    def api_list(_term: str) -> None:
        assert client.get("/api/v1/contacts", {"limit": 50}).status_code == 200

    with workspace_scope(workspace):
        figures = {
            "contact_search": timed(contact_search, terms),
            "contact_search_raw_sql": timed(contact_raw, terms),
            "account_search": timed(account_search, terms),
            "account_search_raw_sql": timed(account_raw, terms),
        }
    figures["api_search"] = timed(api_search, terms)
    figures["api_list"] = timed(api_list, terms)
    found = sorted(hits[10:])
    figures["hits_per_search"] = {"median": found[len(found) // 2], "none": found.count(0),
                                  "full_page": sum(1 for h in found if h > 50)}  # fmt: skip
    search, raw = figures["contact_search"], figures["contact_search_raw_sql"]
    figures.update(search_p50_ms=search["p50_ms"], search_p95_ms=search["p95_ms"],
                   raw_sql_p50_ms=raw["p50_ms"], raw_sql_p95_ms=raw["p95_ms"])  # fmt: skip
    return figures


# --- one database in its own process -----------------------------------------------------------


def run_database(vendor: str, scale: float, measure_only: bool = False) -> dict:
    if vendor == "postgresql":
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["TOUCHBASE_DATA_DIR"] = str(DATA_DIR / "sqlite")
    if not measure_only:
        if vendor == "postgresql":
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
                admin.execute(f"CREATE DATABASE {PG_NAME}")
        else:
            shutil.rmtree(DATA_DIR / "sqlite", ignore_errors=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "touchbase.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if measure_only:
        sizes = json.loads(RESULTS.read_text())[vendor]["data"]
    else:
        print(f"[{vendor}] building data …", flush=True)
        sizes = build(scale, vendor)
    print(f"[{vendor}] {sizes} — measuring {REQUESTS} searches each …", flush=True)
    return {"data": sizes, **measure(vendor)}


# --- load test ---------------------------------------------------------------------------------


def load_client(url_file: str, seconds: float, connections: int) -> None:
    """The load generator, in a process of its own: keep-alive connections, one per thread."""
    paths = json.loads(Path(url_file).read_text())
    token = PG_TOKEN_FILE.read_text().strip()
    headers = {"Authorization": f"Bearer {token}", "Connection": "keep-alive"}
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    start = time.perf_counter()
    stop_at = start + seconds

    def worker(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        index = number
        while time.perf_counter() < stop_at:
            path = paths[index % len(paths)]
            index += connections
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[number] += 1
            except (OSError, http.client.HTTPException):
                errors[number] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                continue
            latencies[number].append((time.perf_counter() - began) * 1000)
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    samples = sorted(ms for per_thread in latencies for ms in per_thread)

    def p(share: float) -> float:
        return round(samples[min(len(samples) - 1, int(share * len(samples)))], 2)

    print("RESULT " + json.dumps({
        "requests": len(samples), "errors": sum(errors), "duration_s": round(elapsed, 1),
        "requests_per_s": round(len(samples) / elapsed, 1), "p50_ms": p(0.5),
        "p95_ms": p(0.95), "p99_ms": p(0.99),
    }), flush=True)  # fmt: skip


def _load(paths: list[str], seconds: float) -> dict:
    url_file = DATA_DIR / "paths.json"
    url_file.write_text(json.dumps(paths))
    process = subprocess.run(
        [sys.executable, __file__, "--load-client", str(url_file), "--load-seconds",
         str(seconds)], capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(row for row in process.stdout.splitlines() if row.startswith("RESULT "))
    return json.loads(line[7:])


def run_load(seconds: int) -> dict:
    """gunicorn with 2 workers on the PostgreSQL data set; searches, then the plain list."""
    terms = json.loads(TERMS_FILE.read_text())
    env = {**os.environ, "DATABASE_URL": PG_URL, "TOUCHBASE_DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": "touchbase.settings"}  # fmt: skip
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "touchbase.wsgi:application", "--workers", "2", "--bind",
         f"127.0.0.1:{PORT}", "--log-level", "warning"], env=env,
    )  # fmt: skip
    searches = [f"/api/v1/contacts?limit=50&q={quote(term)}" for term in terms]
    listing = ["/api/v1/contacts?limit=50"]
    try:
        _wait_for(f"http://127.0.0.1:{PORT}/healthz")
        _load(searches + listing, 3)  # warm both workers
        search = _load(searches, seconds)
        plain = _load(listing, seconds)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {
        "server": "gunicorn, 2 sync workers, DEBUG off", "connections": CONNECTIONS,
        "duration_s": seconds, "search": {"url": "/api/v1/contacts?limit=50&q=…", **search},
        "list": {"url": "/api/v1/contacts?limit=50", **plain},
        "searches_per_s": search["requests_per_s"], "search_p95_ms": search["p95_ms"],
        "list_requests_per_s": plain["requests_per_s"], "list_p95_ms": plain["p95_ms"],
    }  # fmt: skip


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql", "load"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--measure-only", action="store_true",
                        help="reuse the data of the last build")  # fmt: skip
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--load-client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if args.load_client:
        load_client(args.load_client, args.load_seconds, CONNECTIONS)
        return
    if args.child:
        result = run_database(args.child, args.scale, args.measure_only)
        print("RESULT " + json.dumps(result), flush=True)
        return
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for vendor in ("sqlite", "postgresql"):
        if args.only in (None, vendor):
            results[vendor] = _noted(lambda v=vendor: _child(v, args.scale, args.measure_only))
    if args.only in (None, "load"):
        results["load_postgresql"] = _noted(lambda: run_load(args.load_seconds))
    results["machine"] = f"{os.cpu_count()} cores, {_memory()}, {sys.platform}"
    results["date"] = dt.date.today().isoformat()
    results["command"] = "python bench/search.py " + " ".join(sys.argv[1:])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


def _noted(part) -> dict:
    """A part's figures with when they were taken and how busy the machine was (2 cores)."""
    before = os.getloadavg()[0]
    figures = part()
    return {**figures, "measured_at": dt.datetime.now().isoformat(timespec="minutes"),
            "load_average": [round(before, 2), round(os.getloadavg()[0], 2)]}  # fmt: skip


def _child(vendor: str, scale: float, measure_only: bool) -> dict:
    return run_child(vendor, scale, measure_only, script=__file__)


if __name__ == "__main__":
    main()
