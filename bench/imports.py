"""Benchmark: import of 100,000 contacts from CSV — dry run and real import, SQLite and
PostgreSQL — with rows/s and peak memory (peak RSS of the process doing the work).

    python bench/imports.py              # both databases, 100,000 rows
    python bench/imports.py --rows 10000 # smaller

Writes bench/results/import.json. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results" / "import.json"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_URL = "postgres://postgres@127.0.0.1:5432/touchbase_import_bench"
FIRST = ["Jürgen", "Änne", "Luca", "Maria", "Stefan", "Sophie", "Björn", "Zoë", "Paul", "Ida"]
LAST = ["Müller", "Schön", "Pföstl", "Gruber", "Weiß", "Keller", "Huber", "Mayr", "Öztürk"]
CITIES = [("80331", "München", "Deutschland"), ("6020", "Innsbruck", "Österreich"),
          ("8001", "Zürich", "Schweiz"), ("39100", "Bozen", "Südtirol")]  # fmt: skip
AREA = {"Deutschland": "089", "Österreich": "0512", "Schweiz": "044", "Südtirol": "0471"}


def make_csv(path: Path, rows: int) -> None:
    """A semicolon CSV in Windows-1252 the way a German spreadsheet exports it."""
    rng = random.Random(3)
    lines = ["Firma;Vorname;Nachname;Straße;PLZ;Ort;Land;Telefon;E-Mail;Umsatz"]
    for number in range(rows):
        postal, city, country = CITIES[number % len(CITIES)]
        lines.append(";".join([
            f"Firma {number // 5:05d} GmbH", rng.choice(FIRST), f"{rng.choice(LAST)}{number}",
            f"Hauptstraße {number % 200 + 1}", postal, city, country,
            f"{AREA[country]} {1000000 + number}", f"kontakt{number}@firma{number // 5}.example",
            f"{rng.randint(1, 90)}.{rng.randint(100, 999)},00",
        ]))  # fmt: skip
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def child(vendor: str, mode: str, path: Path) -> dict:
    """One measurement in this process: a fresh database, then dry run or dry run + import."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "touchbase.settings"
    if vendor == "postgresql":
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ["TOUCHBASE_DATA_DIR"] = str(DATA_DIR / "import-sqlite")
    import django

    django.setup()
    from django.core.management import call_command

    from touchbase.core.services import member_add, workspace_create
    from touchbase.imports.planner import import_plan
    from touchbase.imports.writer import import_apply
    from touchbase.relationships.models import Contact

    call_command("migrate", verbosity=0)
    workspace = workspace_create(name="Import GmbH")
    owner = member_add(workspace=workspace, username="importer", password=None).user
    data = path.read_bytes()
    started = time.perf_counter()
    plan = import_plan(workspace=workspace, data=data, filename=path.name)
    planned = time.perf_counter() - started
    assert plan.is_valid, plan.summary()["errors"][:3]
    rows = len(plan.rows)
    figures = {"rows": rows, "seconds": round(planned, 2), "rows_per_s": round(rows / planned)}
    if mode == "import":
        started = time.perf_counter()
        import_apply(workspace=workspace, plan=plan, by=owner)
        applied = time.perf_counter() - started
        assert Contact.objects.filter(workspace=workspace).count() == rows
        # The real import includes its own check of the file, as the CLI and the UI do.
        figures.update(seconds=round(planned + applied, 2),
                       rows_per_s=round(rows / (planned + applied)))  # fmt: skip
    figures["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def fresh_database(vendor: str) -> None:
    if vendor == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS touchbase_import_bench WITH (FORCE)")
            admin.execute("CREATE DATABASE touchbase_import_bench")
    else:
        shutil.rmtree(DATA_DIR / "import-sqlite", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, metavar=("VENDOR", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = DATA_DIR / f"contacts-{args.rows}.csv"
    if args.child:
        print("RESULT " + json.dumps(child(*args.child, path)), flush=True)
        return
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    make_csv(path, args.rows)
    results = {"file": {"rows": args.rows, "bytes": path.stat().st_size,
                        "format": "CSV, semicolon, Windows-1252"}}  # fmt: skip
    for vendor in ("sqlite", "postgresql"):
        for mode in ("dry_run", "import"):
            fresh_database(vendor)
            process = subprocess.run(
                [sys.executable, __file__, "--rows", str(args.rows), "--child", vendor, mode],
                capture_output=True,
                text=True,
            )
            if process.returncode:
                sys.stderr.write(process.stderr[-4000:])
                raise SystemExit(f"{vendor} {mode} failed")
            line = next(r for r in process.stdout.splitlines() if r.startswith("RESULT "))
            results.setdefault(vendor, {})[mode] = json.loads(line[7:])
            print(vendor, mode, results[vendor][mode], flush=True)
    results["machine"] = f"{os.cpu_count()} cores, {sys.platform}"
    results["date"] = dt.date.today().isoformat()
    results["command"] = "python bench/imports.py " + " ".join(sys.argv[1:])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
