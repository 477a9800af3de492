"""Benchmark: the search for duplicates (care.services.duplicates_find and the whole scan the
worker runs) on 600 contacts at one account and on 100,000 contacts, SQLite and PostgreSQL;
beside it, for scale, the former difflib comparison of the 600 names.

    python bench/duplicates.py                  # both databases, 100,000 contacts
    python bench/duplicates.py --contacts 20000 # smaller
    python bench/duplicates.py --only sqlite

Data (generated, seeded): names from Faker's German lists; 70 % of the contacts work at one of
15 % as many accounts (a few large ones), 30 % are private customers with no account; 1 % of
the contacts are planted duplicates (a typo, an umlaut written out, first and last name
swapped, the same e-mail under another name, a phone entered as the other's mobile), and 1 %
of the accounts (the legal form changed, the same website). Writes bench/results/duplicates.json
and prints the figures. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results" / "duplicates.json"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "touchbase_duplicates_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
REPEAT = 3
LEGAL = ["GmbH", "AG", "KG", "GmbH & Co. KG", "e.K.", "OHG", "Ltd", "Inc"]


def typo(name: str, rng: random.Random) -> str:
    """One letter changed, the way a name is misheard on the phone."""
    if len(name) < 4:
        return name + "e"
    index = rng.randrange(1, len(name) - 1)
    return name[:index] + rng.choice("aeiourn") + name[index + 1 :]


def spelled_out(name: str) -> str:
    return name.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")


def build(workspace, n_contacts: int, rng: random.Random) -> tuple[dict[str, int], list, list]:
    """Accounts and contacts with planted duplicates, by bulk insert; returns the counts and
    the planted pairs of contact ids and of account ids."""
    from faker import Faker

    from touchbase.relationships.models import Account, Contact

    fake = Faker("de_DE")
    fake.seed_instance(7)
    n_accounts = max(1, int(n_contacts * 0.15))
    accounts = []
    for index in range(n_accounts):
        base = fake.last_name() if rng.random() < 0.5 else fake.company().split(" ")[0]
        trade = rng.choice(["Bäckerei", "Autohaus", "Hotel", "Schreinerei", "Praxis", "Kanzlei",
                            "Metallbau", "Elektro", "Gasthof", "Apotheke", ""])  # fmt: skip
        name = f"{trade} {base} {rng.choice(LEGAL)}".strip()
        accounts.append(Account(
            workspace=workspace, name=name, postal_code=fake.postcode(),
            street=fake.street_address(), website=f"https://www.firma{index}.example",
            phone=f"+4989{1000000 + index}", city=fake.city(),
        ))  # fmt: skip
    account_twins = []
    for index in range(n_accounts // 100):  # 1 % planted twins
        original = accounts[index * 97 % n_accounts]
        account_twins.append((original, index))
        stem = original.name.rsplit(" ", 1)[0]
        accounts.append(Account(
            workspace=workspace, name=f"{spelled_out(stem)} {rng.choice(LEGAL)}",
            postal_code=original.postal_code, street=original.street,
            website=original.website.replace("https://www.", "http://"), city=original.city,
        ))  # fmt: skip
    Account.objects.bulk_create(accounts, batch_size=2000)
    planted_accounts = [
        tuple(sorted((original.pk, accounts[n_accounts + index].pk)))
        for original, index in account_twins
    ]
    account_ids = list(Account.objects.filter(workspace=workspace).values_list("id", flat=True))
    # A few large accounts, most small: the first 1 % of accounts take a fifth of the people.
    large = account_ids[: max(1, len(account_ids) // 100)]
    contacts = []
    for index in range(n_contacts):
        at_account = rng.random() < 0.7
        account_id = None
        if at_account:
            account_id = rng.choice(large) if rng.random() < 0.2 else rng.choice(account_ids)
        first, last = fake.first_name(), fake.last_name()
        contacts.append(Contact(
            workspace=workspace, account_id=account_id, first_name=first, last_name=last,
            email=f"person{index}@mail{index % 977}.example", phone=f"+4930{2000000 + index}",
            postal_code=fake.postcode(), street=fake.street_address(),
        ))  # fmt: skip
    planted = []
    for index in range(n_contacts // 100):
        original = contacts[index * 89 % n_contacts]
        twin = Contact(workspace=workspace, account_id=original.account_id,
                       first_name=original.first_name, last_name=original.last_name,
                       postal_code=original.postal_code, street=original.street)  # fmt: skip
        match index % 5:
            case 0:
                twin.last_name = typo(original.last_name, rng)
            case 1:
                twin.last_name = spelled_out(original.last_name) + "e"
            case 2:
                twin.first_name, twin.last_name = original.last_name, original.first_name
            case 3:
                twin.first_name, twin.email = fake.first_name(), original.email.upper()
            case 4:
                twin.first_name, twin.mobile = "", original.phone
        planted.append((original, twin))
    Contact.objects.bulk_create(contacts + [twin for _o, twin in planted], batch_size=2000)
    planted_contacts = [tuple(sorted((original.pk, twin.pk))) for original, twin in planted]
    counts = {"accounts": len(accounts), "contacts": len(contacts) + len(planted),
              "planted_contact_twins": len(planted),
              "planted_account_twins": n_accounts // 100}  # fmt: skip
    return counts, planted_contacts, planted_accounts


def timed(run, repeat: int = REPEAT) -> tuple[float, object]:
    """The median wall time of a few runs, and the last result."""
    seconds, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
    return round(statistics.median(seconds), 3), result


def difflib_pairs(names: list[str]) -> int:
    """The comparison the duplicates page made before rapidfuzz, for the 600 names."""
    found = 0
    for index, a in enumerate(names):
        for b in names[index + 1 :]:
            if difflib.SequenceMatcher(None, a.casefold(), b.casefold()).ratio() >= 0.85:
                found += 1
    return found


def child(vendor: str, n_contacts: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "touchbase.settings"
    if vendor == "postgresql":
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ["TOUCHBASE_DATA_DIR"] = str(DATA_DIR / "duplicates-sqlite")
    import django

    django.setup()
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    from touchbase.care.models import DuplicateScan
    from touchbase.care.services import duplicate_scan_run, duplicates_find
    from touchbase.core.services import workspace_create
    from touchbase.relationships.models import Account, Contact

    call_command("migrate", verbosity=0)
    rng = random.Random(11)
    figures: dict[str, object] = {}
    with scopes_disabled():
        # 600 contacts at one account
        small = workspace_create(name="Eine Firma GmbH", slug="one-account")
        account = Account.objects.create(workspace=small, name="Großkunde AG")
        from faker import Faker

        fake = Faker("de_DE")
        fake.seed_instance(3)
        Contact.objects.bulk_create([
            Contact(workspace=small, account=account, first_name=fake.first_name(),
                    last_name=fake.last_name()) for _ in range(600)
        ])  # fmt: skip
        seconds, result = timed(lambda: duplicates_find(workspace=small))
        figures["contacts_600_one_account_s"] = seconds
        figures["contacts_600_one_account_pairs"] = len(result.contacts.pairs)
        names = [c.full_name for c in Contact.objects.filter(workspace=small)]
        seconds, _found = timed(lambda: difflib_pairs(names), repeat=1)
        figures["contacts_600_one_account_difflib_s"] = seconds
        # the large workspace
        big = workspace_create(name="Bench GmbH", slug="bench-duplicates")
        started = time.perf_counter()
        data, planted_contacts, planted_accounts = build(big, n_contacts, rng)
        figures["build_s"] = round(time.perf_counter() - started, 1)
        figures["data"] = data
        key = "contacts_100k" if n_contacts == 100_000 else f"contacts_{n_contacts}"
        seconds, result = timed(lambda: duplicates_find(workspace=big))
        figures[f"{key}_find_s"] = seconds
        figures[f"{key}_contact_pairs"] = len(result.contacts.pairs)
        figures[f"{key}_account_pairs"] = len(result.accounts.pairs)
        figures[f"{key}_reasons"] = _reason_counts(result.contacts.pairs)
        # How many of the planted twins were found (recall), by kind of twin.
        found_contacts = [pair in result.contacts.pairs for pair in planted_contacts]
        figures[f"{key}_planted_contact_twins_found"] = sum(found_contacts)
        figures[f"{key}_planted_contact_twins_found_by_kind"] = {
            kind: sum(found_contacts[index::5])
            for index, kind in enumerate(["typo", "umlaut_spelled_out", "swapped",
                                          "same_email", "phone_as_mobile"])
        }  # fmt: skip
        figures[f"{key}_planted_account_twins_found"] = sum(
            pair in result.accounts.pairs for pair in planted_accounts
        )
        scan_seconds = []
        for _ in range(REPEAT):  # the first stores everything, the next ones update
            scan = duplicate_scan_run(scan=DuplicateScan.objects.create(workspace=big))
            scan_seconds.append(scan.seconds)
        figures[f"{key}_s"] = scan_seconds[0]
        figures[f"{key}_rescan_s"] = round(statistics.median(scan_seconds[1:]), 3)
        figures[f"{key}_candidates"] = scan.found
    return figures


def _reason_counts(pairs: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for reasons in pairs.values():
        for reason in reasons:
            counts[reason] = counts.get(reason, 0) + 1
    return counts


def fresh_database(vendor: str) -> None:
    if vendor == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_NAME}")
    else:
        shutil.rmtree(DATA_DIR / "duplicates-sqlite", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--child", metavar="VENDOR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(args.child, args.contacts)), flush=True)
        return
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {}
    for vendor in [args.only] if args.only else ["sqlite", "postgresql"]:
        fresh_database(vendor)
        process = subprocess.run(
            [sys.executable, __file__, "--contacts", str(args.contacts), "--child", vendor],
            capture_output=True, text=True,
        )  # fmt: skip
        if process.returncode:
            sys.stderr.write(process.stderr[-4000:])
            raise SystemExit(f"{vendor} failed")
        line = next(r for r in process.stdout.splitlines() if r.startswith("RESULT "))
        results[vendor] = json.loads(line[7:])
        print(vendor, json.dumps(results[vendor], indent=2), flush=True)
    results["machine"] = f"{os.cpu_count()} cores, {sys.platform}"
    results["date"] = dt.date.today().isoformat()
    results["command"] = "python bench/duplicates.py " + " ".join(sys.argv[1:])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
