"""Benchmark: due list and account timeline at 20,000 accounts / 100,000 contacts / 2,000,000
touchpoints on SQLite and PostgreSQL, beside the raw-SQL floor; then the contacts-list API under
load (gunicorn, 2 workers, DEBUG off, PostgreSQL, wrk with 16 connections).

    python bench/due_list.py                 # everything (takes ~15 minutes on 2 cores)
    python bench/due_list.py --only sqlite   # one part: sqlite | postgresql | load
    python bench/due_list.py --scale 0.1     # a tenth of the data, for a quick look

Figures go to bench/results/due_list.json and are printed; bench/RESULTS.md is written by hand
from them. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results" / "due_list.json"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/touchbase_bench")
MEMBERS = 20
REQUESTS = 300
TOKEN_FILE = DATA_DIR / "token.txt"


# --- data --------------------------------------------------------------------------------------


def build(scale: float, vendor: str) -> dict[str, float]:
    """Create the workspace rows with raw bulk inserts; returns counts and seconds."""
    from django.db import connection

    from touchbase.core.services import api_token_create, member_add, workspace_create

    started = time.perf_counter()
    rng = random.Random(42)
    n_accounts, n_contacts = int(20_000 * scale), int(100_000 * scale)
    n_touchpoints = int(2_000_000 * scale)
    workspace = workspace_create(name="Bench GmbH", slug="bench")
    other = workspace_create(name="Other AG", slug="other")
    members = [
        member_add(
            workspace=workspace,
            username=f"member{i}",
            password=None,
            role="staff",
            first_name="Member",
            last_name=str(i),
        )  # fmt: skip
        for i in range(MEMBERS)
    ]
    member_add(workspace=other, username="outsider", password=None)
    _, key = api_token_create(membership=members[0], name="bench")
    TOKEN_FILE.write_text(key)
    owners = [m.user_id for m in members]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    today = now.date()

    def stamp(moment: dt.datetime) -> object:
        return moment.replace(tzinfo=None).isoformat(" ") if vendor == "sqlite" else moment

    def day(value: dt.date) -> object:
        return value.isoformat() if vendor == "sqlite" else value

    account_rows, account_due = [], {}
    for index in range(n_accounts):
        key_account = rng.random() < 0.1
        cadence = 90 if key_account else 365
        last = now - dt.timedelta(days=rng.uniform(0, 500))
        due = last.date() + dt.timedelta(days=cadence)
        value = int(rng.lognormvariate(9, 1))
        owner = rng.choice(owners)
        account_due[index + 1] = (owner, value)
        account_rows.append((
            index + 1, workspace.id, f"Firma {index:05d}", "Hotel" if index % 5 == 0 else "Handel",
            key_account, owner, value, cadence, stamp(last), day(due), day(due), "", "",
            "", "", "", "DE", "", "", "", "", "de", "", stamp(now), stamp(now), 0,
        ))  # fmt: skip
    _insert(connection, vendor, "relationships_account", [
        "id", "workspace_id", "name", "segment", "is_key_account", "owner_id", "value",
        "cadence_days", "last_personal_at", "cadence_due_on", "next_due_on", "snooze_reason",
        "street", "postal_code", "city", "region", "country", "phone", "email", "website", "notes",
        "language", "snoozed_until", "created_at", "updated_at", "attempts",
    ], [row[:22] + (None,) + row[23:] for row in account_rows])  # fmt: skip
    del account_rows

    contact_rows = []
    contact_account = {}
    for index in range(n_contacts):
        account_id = rng.randint(1, n_accounts)
        owner, value = account_due[account_id]
        last = now - dt.timedelta(days=rng.uniform(0, 500))
        due = last.date() + dt.timedelta(days=365)
        contact_account[index + 1] = account_id
        contact_rows.append((
            index + 1, workspace.id, account_id, f"Vor{index % 997}", f"Nach{index:06d}",
            f"kontakt{index}@example.de", f"+4989{1000000 + index}", owner, value, 365,
            stamp(last), day(due), day(due), "", "", "", "", "", "DE", "", "", "", "de", "",
            stamp(now), stamp(now), 0,
        ))  # fmt: skip
    _insert(connection, vendor, "relationships_contact", [
        "id", "workspace_id", "account_id", "first_name", "last_name", "email", "phone",
        "owner_id", "value", "cadence_days", "last_personal_at", "cadence_due_on", "next_due_on",
        "snooze_reason", "street", "postal_code", "city", "region", "country", "job_title",
        "mobile", "preferred_channel", "language", "wellbeing_note", "created_at", "updated_at",
        "attempts",
    ], contact_rows)  # fmt: skip
    del contact_rows

    channels = ["phone", "email", "meeting", "video", "visit", "newsletter"]
    batch, links, written = [], [], 0
    for index in range(n_touchpoints):
        contact_id = rng.randint(1, n_contacts)
        channel = rng.choice(channels)
        occurred = now - dt.timedelta(minutes=rng.randint(0, 500 * 24 * 60))
        batch.append((
            index + 1, workspace.id, contact_account[contact_id], contact_id, channel, "out",
            channel != "newsletter", stamp(occurred), "Gespräch über die Lieferung", "",
            owners[index % MEMBERS], stamp(now), "",
        ))  # fmt: skip
        links.append((index + 1, index + 1, owners[index % MEMBERS], workspace.id))
        if len(batch) == 100_000:
            written += _write_touchpoints(connection, vendor, batch, links)
            batch, links = [], []
    written += _write_touchpoints(connection, vendor, batch, links)
    _analyze(connection, vendor)
    return {
        "accounts": n_accounts, "contacts": n_contacts, "touchpoints": written,
        "build_s": round(time.perf_counter() - started, 1), "today": str(today),
    }  # fmt: skip


def _write_touchpoints(connection, vendor: str, rows: list, links: list) -> int:
    _insert(connection, vendor, "relationships_touchpoint", [
        "id", "workspace_id", "account_id", "contact_id", "channel", "direction", "is_personal",
        "occurred_at", "summary", "outcome", "logged_by_id", "created_at", "source_kind",
    ], rows)  # fmt: skip
    _insert(connection, vendor, "relationships_touchpoint_participants",
            ["id", "touchpoint_id", "user_id", "workspace_id"], links)  # fmt: skip
    return len(rows)


def _insert(connection, vendor: str, table: str, columns: list[str], rows: list) -> None:
    """COPY on PostgreSQL, executemany in one transaction on SQLite."""
    if not rows:
        return
    connection.ensure_connection()
    raw = connection.connection
    names = ", ".join(columns)
    if vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.commit()
        return
    marks = ", ".join("?" for _ in columns)
    raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    raw.commit()


def _analyze(connection, vendor: str) -> None:
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            for table in (
                "relationships_account",
                "relationships_contact",
                "relationships_touchpoint",
                "relationships_touchpoint_participants",
            ):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT MAX(id) FROM {table}))")  # fmt: skip
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


# --- measurements ------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2),
            "requests": len(ordered)}  # fmt: skip


def timed(call, arguments: list) -> dict[str, float]:
    for argument in arguments[:10]:
        call(argument)  # warm caches, as a running server would be
    samples = []
    for argument in arguments:
        started = time.perf_counter()
        call(argument)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


RAW_DUE = """
SELECT * FROM (
  SELECT 'contact' AS kind, c.id, c.first_name || ' ' || c.last_name AS name, a.name AS account,
         c.next_due_on, c.value, c.last_personal_at, c.snooze_reason,
         u.first_name, u.last_name, u.username
  FROM relationships_contact c LEFT JOIN relationships_account a ON a.id = c.account_id
       LEFT JOIN core_user u ON u.id = c.owner_id
  WHERE c.workspace_id = %s AND c.owner_id = %s AND c.next_due_on <= %s
  ORDER BY c.next_due_on, c.value DESC, c.id LIMIT 50) contacts
UNION ALL
SELECT * FROM (
  SELECT 'account', a.id, a.name, '', a.next_due_on, a.value, a.last_personal_at,
         a.snooze_reason, u.first_name, u.last_name, u.username
  FROM relationships_account a LEFT JOIN core_user u ON u.id = a.owner_id
  WHERE a.workspace_id = %s AND a.owner_id = %s AND a.next_due_on <= %s
  ORDER BY a.next_due_on, a.value DESC, a.id LIMIT 50) accounts
ORDER BY 5, 6 DESC LIMIT 50
"""
RAW_TIMELINE = """
SELECT t.*, c.first_name, c.last_name FROM relationships_touchpoint t
LEFT JOIN relationships_contact c ON c.id = t.contact_id
WHERE t.workspace_id = %s AND t.account_id = %s ORDER BY t.occurred_at DESC, t.id DESC LIMIT 26
"""


def measure(vendor: str) -> dict[str, dict[str, float]]:
    """Server-side times of the due-list and timeline views, their selectors and raw SQL."""
    from django.db import connection
    from django.test import Client

    from touchbase.core.models import Membership, Workspace
    from touchbase.core.tenancy import workspace_scope
    from touchbase.core.timeutil import local_today
    from touchbase.relationships import selectors

    workspace = Workspace.objects.get(slug="bench")
    members = list(Membership.objects.filter(workspace=workspace).select_related("user"))
    today = local_today(workspace.zone)
    rng = random.Random(1)
    users = [rng.choice(members).user for _ in range(REQUESTS)]
    with workspace_scope(workspace):
        max_account = workspace.accounts.order_by("-id").values_list("id", flat=True).first()
    accounts = [rng.randint(1, max_account) for _ in range(REQUESTS)]
    clients = {}

    def client_for(user):
        if user.id not in clients:
            clients[user.id] = Client(HTTP_HOST="127.0.0.1")
            clients[user.id].force_login(user)
        return clients[user.id]

    def due_view(user):
        response = client_for(user).get("/")
        assert response.status_code == 200

    def due_selector(user):
        items = selectors.due_list(workspace=workspace, owner=user, limit=50, today=today)
        assert items

    def due_raw(user):
        with connection.cursor() as cursor:
            cursor.execute(RAW_DUE, [workspace.id, user.id, today] * 2)
            assert cursor.fetchall()

    viewer = members[0].user

    def timeline_view(account_id):
        response = client_for(viewer).get(f"/accounts/{account_id}/")
        assert response.status_code == 200

    def timeline_selector(account_id):
        selectors.timeline(workspace=workspace, account=workspace.accounts.get(pk=account_id))

    def timeline_raw(account_id):
        with connection.cursor() as cursor:
            cursor.execute(RAW_TIMELINE, [workspace.id, account_id])
            cursor.fetchall()

    # The selectors run outside a request here, so they need the scope a request would open.
    with workspace_scope(workspace):
        return _measure_all(due_view, due_selector, due_raw, timeline_view, timeline_selector,
                            timeline_raw, users, accounts)  # fmt: skip


def _measure_all(due_view, due_selector, due_raw, timeline_view, timeline_selector, timeline_raw,
                 users, accounts) -> dict[str, dict[str, float]]:  # fmt: skip
    return {
        "due_list_view": timed(due_view, users),
        "due_list_selector": timed(due_selector, users),
        "due_list_raw_sql": timed(due_raw, users),
        "timeline_view": timed(timeline_view, accounts),
        "timeline_selector": timed(timeline_selector, accounts),
        "timeline_raw_sql": timed(timeline_raw, accounts),
    }


# --- one database in its own process -----------------------------------------------------------


def run_database(vendor: str, scale: float, measure_only: bool = False) -> dict:
    if vendor == "postgresql":
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ["TOUCHBASE_DATA_DIR"] = str(DATA_DIR / "sqlite")
    if measure_only:
        pass
    elif vendor == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS touchbase_bench WITH (FORCE)")
            admin.execute("CREATE DATABASE touchbase_bench")
    else:
        shutil.rmtree(DATA_DIR / "sqlite", ignore_errors=True)
    if vendor == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "touchbase.settings"
    import django

    django.setup()
    from django.core.management import call_command

    if measure_only:
        call_command("migrate", verbosity=0)  # the data may predate newer migrations
        sizes = json.loads(RESULTS.read_text())[vendor]["data"]
        return {"data": sizes, **measure(vendor)}
    call_command("migrate", verbosity=0)
    print(f"[{vendor}] building data …", flush=True)
    sizes = build(scale, vendor)
    print(f"[{vendor}] built {sizes} — measuring {REQUESTS} requests each …", flush=True)
    return {"data": sizes, **measure(vendor)}


# --- load test ---------------------------------------------------------------------------------

WRK_SCRIPT = """
wrk.headers["Authorization"] = "Bearer %s"
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %%d, \\"errors\\": %%d, \\"p50_us\\": %%d, \\"p95_us\\": %%d, \\"p99_us\\": %%d, \\"duration_us\\": %%d}\\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.duration))
end
"""


def run_load(seconds: int) -> dict:
    """gunicorn with 2 workers on the PostgreSQL data set, wrk with 16 connections."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the load test: apt-get install wrk")
    token = TOKEN_FILE.read_text().strip()
    env = {**os.environ, "DATABASE_URL": PG_URL, "TOUCHBASE_DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": "touchbase.settings"}  # fmt: skip
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "touchbase.wsgi:application", "--workers", "2", "--bind",
         "127.0.0.1:8765", "--log-level", "warning"], env=env,
    )  # fmt: skip
    try:
        _wait_for("http://127.0.0.1:8765/healthz")
        url = "http://127.0.0.1:8765/api/v1/contacts?limit=50"
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT % token)
        subprocess.run(["wrk", "-t2", "-c16", "-d3s", "-s", script.name, url],
                       capture_output=True, check=True)  # fmt: skip
        result = subprocess.run(
            ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "5s", "-s", script.name, url],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=20)
    line = next(row for row in result.stdout.splitlines() if row.startswith("JSON "))
    figures = json.loads(line[5:])
    return {
        "url": "/api/v1/contacts?limit=50", "connections": 16, "duration_s": seconds,
        "requests_per_s": round(figures["requests"] / (figures["duration_us"] / 1e6), 1),
        "p50_ms": round(figures["p50_us"] / 1000, 2), "p95_ms": round(figures["p95_us"] / 1000, 2),
        "p99_ms": round(figures["p99_us"] / 1000, 2), "errors": figures["errors"],
        "requests": figures["requests"],
    }  # fmt: skip


def _wait_for(url: str) -> None:
    import urllib.request

    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not come up at {url}")


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql", "load"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument(
        "--measure-only", action="store_true", help="reuse the data of the last full run"
    )
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if args.child:
        result = run_database(args.child, args.scale, args.measure_only)
        print("RESULT " + json.dumps(result), flush=True)
        return
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for vendor in ("sqlite", "postgresql"):
        if args.only in (None, vendor):
            results[vendor] = _child(vendor, args.scale, args.measure_only)
    if args.only in (None, "load"):
        results["load_postgresql"] = run_load(args.load_seconds)
    results["machine"] = f"{os.cpu_count()} cores, {_memory()}, {sys.platform}"
    results["date"] = dt.date.today().isoformat()
    results["command"] = "python bench/due_list.py " + " ".join(sys.argv[1:])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


def _child(vendor: str, scale: float, measure_only: bool, script: str = __file__) -> dict:
    """Run one database's part of a benchmark script in a process of its own."""
    extra = ["--measure-only"] if measure_only else []
    process = subprocess.run(
        [sys.executable, script, "--child", vendor, "--scale", str(scale), *extra],
        capture_output=True,
        text=True,
    )
    sys.stdout.write(process.stdout[-2000:])
    if process.returncode != 0:
        sys.stderr.write(process.stderr[-5000:])
        raise SystemExit(f"{vendor} run failed")
    line = next(row for row in process.stdout.splitlines() if row.startswith("RESULT "))
    return json.loads(line[7:])


def _memory() -> str:
    try:
        kilobytes = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return "memory unknown"
    return f"{kilobytes / 1024 / 1024:.0f} GiB"


if __name__ == "__main__":
    main()
