"""Benchmark: listening at volume, on SQLite and PostgreSQL.

    python bench/listening.py                      # 1,000,000 mentions, 100,000 analysed
    python bench/listening.py --rows 100000 --analyse 20000

Per database, each step in a fresh process (peak memory is that process's peak RSS):
1. ingest: `touchbase ingest`'s own path (jobs.ingest_job_run) reads a JSON Lines file of
   `--rows` mentions and stores them in batches, acknowledging each batch with the job's
   position: mentions/s.
2. raw insert: the same file read line by line with json.loads and the same rows written with
   plain INSERT … executemany in transactions of the same size, into the same (emptied) table
   with the same indexes: the floor our path is compared with.
3. analysis: the worker's pass (understanding.mentions_analyse: analyser, products, contacts,
   queue) over `--analyse` stored mentions: texts/s.
4. webhook to visible: web server and worker running on a fresh database, a signed webhook
   call with a mention naming a product launched an hour ago, then the launch monitor's API
   polled until the mention counts there: seconds.

Writes bench/results/listening.json. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results" / "listening.json"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "touchbase_listening_bench"
TOUCHBASE = str(Path(sys.executable).parent / "touchbase")

OPENERS = ["Die Kaffeemühle Aurora", "Der Wasserkocher Boreas", "Die Lieferung", "Der Kundenservice",
           "The Aurora grinder", "Delivery", "Support", "Die App", "Der Deckel", "Das Paket"]  # fmt: skip
VERDICTS = ["ist großartig, danke!", "kam kaputt an, sehr ärgerlich.", "ist okay, nichts Besonderes.",
            "works great, love it", "broke after a week, disappointed", "war pünktlich da.",
            "hat mir super geholfen.", "ist viel zu laut.", "is fine I guess", "klemmt leider."]  # fmt: skip


def make_jsonl(path: Path, rows: int) -> None:
    rng = random.Random(8)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with path.open("w") as file:
        for number in range(rows):
            moment = start + dt.timedelta(seconds=number * 25)
            row = {
                "id": f"r{number}",
                "author": f"Kundin {number % 50_000}",
                "date": moment.isoformat(),
                "stars": rng.choice(["", "1", "2", "3", "4", "5"]),
                "text": f"{rng.choice(OPENERS)} {rng.choice(VERDICTS)} (#{number})",
                "url": f"https://reviews.example/r/{number}",
            }
            file.write(json.dumps(row, ensure_ascii=False) + "\n")


def database_env(vendor: str, name: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "touchbase.settings"}
    if vendor == "postgresql":
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    else:
        env.pop("DATABASE_URL", None)
        env["TOUCHBASE_DATA_DIR"] = str(DATA_DIR / f"listening-{name}")
    return env


def fresh_database(vendor: str, name: str) -> None:
    if vendor == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    else:
        shutil.rmtree(DATA_DIR / f"listening-{name}", ignore_errors=True)


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# --- children: one measurement each, in its own process -------------------------------------


def child_setup() -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from touchbase.catalogue.models import Product
    from touchbase.catalogue.services import product_save
    from touchbase.core.services import workspace_create
    from touchbase.core.tenancy import workspace_scope
    from touchbase.listening.services import source_save

    call_command("migrate", verbosity=0)
    workspace = workspace_create(name="Bench GmbH", slug="bench")
    with workspace_scope(workspace):
        source_save(workspace=workspace, name="Export", kind="upload")
        source_save(workspace=workspace, name="Shop", kind="webhook")
        for name, sku in (("Kaffeemühle Aurora", "KM-1"), ("Wasserkocher Boreas", "WK-2")):
            product_save(product=Product(workspace=workspace, name=name, sku=sku), aliases=[])
    return {}


def child_ingest(path: Path) -> dict:
    import django

    django.setup()
    from touchbase.core.tenancy import workspace_scope
    from touchbase.listening import jobs
    from touchbase.listening.models import IngestJob, Mention, Source

    source = Source.objects.get(name="Export")
    with workspace_scope(source.workspace):
        job = IngestJob.objects.create(workspace=source.workspace, source=source,
                                       filename=path.name, size=path.stat().st_size)  # fmt: skip
        started = time.perf_counter()
        with path.open("rb") as raw:
            job = jobs.ingest_job_run(job=job, raw=raw)
        seconds = time.perf_counter() - started
        stored = Mention.objects.filter(source=source).count()
    return {"stored": stored, "seconds": round(seconds, 1),
            "ingest_mentions_per_s": round(stored / seconds), "peak_mb": peak_mb()}  # fmt: skip


def child_raw(path: Path) -> dict:
    """The same rows, read and inserted the plainest way, into the emptied table."""
    import django

    django.setup()
    import hashlib

    from django.db import connection, transaction
    from django.utils import timezone

    from touchbase.listening.ingest import BATCH_SIZE, COLUMNS
    from touchbase.listening.models import Mention, Source

    source = Source.objects.get(name="Export")
    table = connection.ops.quote_name(Mention._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM listening_mentionproduct")
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    marks = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})"  # noqa: S608
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(timezone.now())
    started = time.perf_counter()
    rows = 0
    batch: list[tuple] = []
    with path.open(encoding="utf-8") as file:
        for line in file:
            item = json.loads(line)
            key = hashlib.sha256(item["text"].encode()).hexdigest()
            batch.append((source.workspace_id, source.pk, key, item["id"], "", item["author"], "",
                          "", item["url"], adapt(dt.datetime.fromisoformat(item["date"])), now,
                          "", "", item["text"], float(item["stars"]) if item["stars"] else None,
                          "", "", "", None))  # fmt: skip
            if len(batch) >= BATCH_SIZE:
                rows += _insert(sql, batch)
                batch = []
    rows += _insert(sql, batch)
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": round(seconds, 1), "raw_insert_rows_per_s": round(rows / seconds),
            "peak_mb": peak_mb()}  # fmt: skip


def _insert(sql: str, batch: list[tuple]) -> int:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, batch)
    return len(batch)


def child_analysis(count: int) -> dict:
    import django

    django.setup()
    from touchbase.listening.understanding import mentions_analyse

    mentions_analyse(limit=1000)  # the analyser's model loads once per process: not counted
    started = time.perf_counter()
    done = mentions_analyse(limit=count)
    seconds = time.perf_counter() - started
    return {"analysed": done, "seconds": round(seconds, 1),
            "analysis_texts_per_s": round(done / seconds), "peak_mb": peak_mb()}  # fmt: skip


def child_webhook(env: dict[str, str]) -> dict:
    """Web server and worker on this database; one signed call; poll the launch monitor."""
    import django

    django.setup()
    from django.utils import timezone

    from touchbase.catalogue.models import Product
    from touchbase.core.models import Membership, Workspace
    from touchbase.core.services import api_token_create, member_add
    from touchbase.core.tenancy import workspace_scope
    from touchbase.core.webhooks import signature_header
    from touchbase.listening.models import Source

    workspace = Workspace.objects.get(slug="bench")
    with workspace_scope(workspace):
        product = Product.objects.get(name="Kaffeemühle Aurora")
        product.launched_at = timezone.now() - dt.timedelta(hours=1)
        product.save()
        source = Source.objects.get(name="Shop")
        membership = Membership.objects.filter(workspace=workspace).first() or member_add(
            workspace=workspace, username="bench", password=None, role="owner"
        )
        token = api_token_create(membership=membership, name="bench")[1]
    port = _free_port()
    server = subprocess.Popen([TOUCHBASE, "runserver", "--noreload", f"127.0.0.1:{port}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    worker = subprocess.Popen([TOUCHBASE, "worker", "--no-reload", "-v0"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/healthz")
        time.sleep(2)  # the worker is up and polling
        monitor = f"{base}/api/v1/listening/launches/{product.pk}"
        before = _launch_count(monitor, token)
        body = json.dumps({"text": "Die Kaffeemühle Aurora ist heute angekommen – klemmt sofort.",
                           "author": "Bench", "id": f"b{time.time()}"}).encode()  # fmt: skip
        header = signature_header(
            secret=source.webhook_secret, timestamp=int(time.time()), body=body
        )
        started = time.perf_counter()
        request = urllib.request.Request(f"{base}/hooks/mentions/{source.token}/", data=body,
                                         headers={"Content-Type": "application/json",
                                                  "Touchbase-Signature": header})  # fmt: skip
        urllib.request.urlopen(request, timeout=10).read()
        while _launch_count(monitor, token) <= before:
            if time.perf_counter() - started > 60:
                raise SystemExit("the mention did not show on the launch monitor within 60 s")
            time.sleep(0.05)
        return {"webhook_to_visible_s": round(time.perf_counter() - started, 2)}
    finally:
        server.terminate()
        worker.terminate()


def _launch_count(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    data = json.loads(urllib.request.urlopen(request, timeout=10).read())
    return sum(int(hour["total"]) for hour in data["hours"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


# --- the parent -------------------------------------------------------------------------------


def run_child(vendor: str, name: str, step: str, args: argparse.Namespace) -> dict:
    env = database_env(vendor, name)
    process = subprocess.run(
        [sys.executable, __file__, "--rows", str(args.rows), "--analyse", str(args.analyse),
         "--child", vendor, name, step],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if process.returncode:
        sys.stderr.write(process.stderr[-4000:])
        raise SystemExit(f"{vendor} {step} failed")
    line = next(row for row in process.stdout.splitlines() if row.startswith("RESULT "))
    result = json.loads(line[7:])
    print(vendor, step, result, flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--analyse", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--child", nargs=3, metavar=("VENDOR", "NAME", "STEP"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    path = DATA_DIR / f"mentions-{args.rows}.jsonl"
    if args.child:
        vendor, name, step = args.child
        sys.path.insert(0, str(ROOT / "src"))
        steps = {"setup": child_setup, "ingest": lambda: child_ingest(path),
                 "raw": lambda: child_raw(path), "analysis": lambda: child_analysis(args.analyse),
                 "webhook": lambda: child_webhook(database_env(vendor, name))}  # fmt: skip
        import django

        django.setup()
        from touchbase.core.tenancy import scopes_disabled

        with scopes_disabled():
            print("RESULT " + json.dumps(steps[step]()), flush=True)
        return
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        make_jsonl(path, args.rows)
    results: dict = {
        "file": {"rows": args.rows, "bytes": path.stat().st_size, "format": "JSON Lines"}
    }
    for vendor in args.databases.split(","):
        figures: dict = {}
        fresh_database(vendor, PG_NAME)
        run_child(vendor, PG_NAME, "setup", args)
        ingest = run_child(vendor, PG_NAME, "ingest", args)
        analysis = run_child(vendor, PG_NAME, "analysis", args)
        raw = run_child(vendor, PG_NAME, "raw", args)
        fresh_database(vendor, PG_NAME + "_hook")
        run_child(vendor, PG_NAME + "_hook", "setup", args)
        hook = run_child(vendor, PG_NAME + "_hook", "webhook", args)
        figures.update(
            ingest_mentions_per_s=ingest["ingest_mentions_per_s"],
            raw_insert_rows_per_s=raw["raw_insert_rows_per_s"],
            analysis_texts_per_s=analysis["analysis_texts_per_s"],
            peak_mb=max(ingest["peak_mb"], analysis["peak_mb"]),
            webhook_to_visible_s=hook["webhook_to_visible_s"],
            ingest_seconds=ingest["seconds"], raw_insert_seconds=raw["seconds"],
            analysed_mentions=analysis["analysed"], stored_mentions=ingest["stored"],
        )  # fmt: skip
        results[vendor] = figures
    results["machine"] = f"{os.cpu_count()} cores, {sys.platform}, load {os.getloadavg()[0]:.1f}"
    results["date"] = dt.date.today().isoformat()
    results["command"] = "python bench/listening.py " + " ".join(sys.argv[1:])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
