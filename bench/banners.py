"""Benchmark: the banner image in e-mail signatures (/sig/<token>/banner.gif), served by the
production server (gunicorn, 2 workers, DEBUG off) to 16 connections on loopback; every answer
must be counted as one view.

    python bench/banners.py                          # both databases: build, then load
    python bench/banners.py --database sqlite        # sqlite | postgres | both
    python bench/banners.py --load-seconds 30        # longer runs (default 15 s per slot)
    python bench/banners.py --measure-only           # load again on the data of the last build
    python bench/banners.py --smoke                  # build, start the server, load /healthz only

Figures go to bench/results/banners.json and are printed; a full run (not --smoke) also writes
its section of bench/RESULTS.md (between the banners markers, replaced on each run). Not a
test: nothing here asserts a time. Goal (issue 11): at least 1,000 requests/s with p99 under
20 ms, and the views counted equal to the images served.

Data: one workspace ("bench") with 12 members, each with a signature (half German, half
English), five live e-mail banners (two German, two English, one for any language; weights 1
to 3; real PNGs drawn with Pillow, 600 × 120), one banner that starts next week, one that
ended last week, and two live website banners. A second workspace has its own members and
live banners: a slot that forgot its workspace would show, and count, them.

Load: gunicorn on a free loopback port, the load generator of bench/publishing.py in a process
of its own on the same 2 cores (16 threads, one http.client connection each). The signature
slot: 2 s warm-up, then a fixed duration, the 12 tokens in turn, Accept-Language alternating
between German and English on each connection. Then the website slot the same way. Afterwards
the views in BannerWeek are summed per slot and compared with the 200 answers the generator
and the checks before the load received, warm-up included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import io
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from due_list import _memory, _wait_for  # noqa: E402
from publishing import (  # noqa: E402
    PG_ADMIN_URL,
    ROOT,
    WARMUP_SECONDS,
    _drive,
    _env,
    _free_port,
    _noted,
    fresh_database,
    section_write,
)

DATA_DIR = ROOT / "bench" / "data" / "banners"
RESULTS = ROOT / "bench" / "results" / "banners.json"
PG_NAME = "tb_bench_banners"
PG_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_NAME
VENDORS = {"sqlite": ["sqlite"], "postgres": ["postgresql"], "both": ["sqlite", "postgresql"]}
SLUG = "bench"
MEMBERS = 12
CONNECTIONS = 16
WORKERS = 2
GOAL_PER_S = 1000
GOAL_P99_MS = 20
# Mail programs send what the reader's system speaks; some send nothing useful.
LANGUAGES = [
    {"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"},
    {"Accept-Language": "en-GB,en;q=0.9"},
]
# (name, language, weight, days from today to start and end, colour)
EMAIL_BANNERS = [
    ("Frühjahrsaktion", "de", 3, (-20, 40), (200, 60, 40)),
    ("Neuer Showroom München", "de", 1, (-5, None), (40, 120, 200)),
    ("Spring offer", "en", 3, (-20, 40), (220, 140, 30)),
    ("New showroom in Munich", "en", 1, (-5, None), (30, 160, 90)),
    ("Messe 2027 / Trade fair 2027", "", 2, (-60, 90), (120, 40, 160)),
]
NOT_LIVE = [("Sommerfest", "de", 1, (7, 30), (250, 200, 0)),
            ("Winter sale", "en", 1, (-60, -7), (90, 90, 90))]  # fmt: skip
WEBSITE_BANNERS = [("Website: Frühjahr", "", 2, (-20, 40), (10, 90, 200)),
                   ("Website: Service", "", 1, (-20, None), (200, 30, 90))]  # fmt: skip
OTHER_BANNERS = [("Fremde Aktion", "de", 5, (-10, 10), (0, 0, 0)),
                 ("Foreign offer", "en", 5, (-10, 10), (255, 255, 255)),
                 ("Fremde Website", "", 5, (-10, 10), (60, 60, 60))]  # fmt: skip
MARK_START = "<!-- bench/banners.py: start -->"
MARK_END = "<!-- bench/banners.py: end -->"


# --- data --------------------------------------------------------------------------------------


def picture(name: str, colour: tuple[int, int, int]) -> bytes:
    """A banner as a designer would export it: a gradient, a frame and a line of text."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 120), colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, 600, 4):
        shade = tuple(min(255, part + x // 6) for part in colour)
        draw.rectangle((x, 0, x + 3, 119), fill=shade)
    draw.rectangle((4, 4, 595, 115), outline=(255, 255, 255), width=3)
    draw.text((24, 40), name, fill=(255, 255, 255), font_size=28)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def build() -> dict[str, object]:
    """Two workspaces, their members' signatures and banners, through the app's services."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from touchbase.core.services import member_add, workspace_create
    from touchbase.publishing import banners, signatures
    from touchbase.publishing.choices import BannerTarget
    from touchbase.publishing.models_reach import Banner

    workspace = workspace_create(name="Bench GmbH", slug=SLUG)
    other = workspace_create(name="Other AG", slug="other")
    today = timezone.localdate()

    def banner(target_workspace, spec, target=BannerTarget.EMAIL) -> dict[str, object]:
        name, language, weight, (start, end), colour = spec
        image = picture(name, colour)
        saved = banners.banner_save(
            banner=Banner(
                workspace=target_workspace, name=name, alt_text=name, weight=weight,
                link_url="https://pollux.example/aktion", target=target, language=language,
                starts_on=today + dt.timedelta(days=start),
                ends_on=None if end is None else today + dt.timedelta(days=end),
            ),
            image=SimpleUploadedFile(f"{name[:20]}.png", image, content_type="image/png"),
        )  # fmt: skip
        return {"pk": saved.pk, "name": name, "language": language, "bytes": len(image),
                "file": saved.image.name}  # fmt: skip

    def signature(target_workspace, number: int, prefix: str) -> str:
        language = "de" if number % 2 == 0 else "en"
        membership = member_add(workspace=target_workspace, username=f"{prefix}{number}",
                                password=None, role="staff", first_name=f"Person{number}",
                                last_name="Bench")  # fmt: skip
        membership.user.language = language
        membership.user.save(update_fields=["language"])
        return signatures.signature_profile(membership=membership).token

    tokens = [signature(workspace, number, "member") for number in range(MEMBERS)]
    other_tokens = [signature(other, number, "other") for number in range(3)]
    email = [banner(workspace, spec) for spec in EMAIL_BANNERS]
    not_live = [banner(workspace, spec) for spec in NOT_LIVE]
    website = [banner(workspace, spec, BannerTarget.WEBSITE) for spec in WEBSITE_BANNERS]
    other_banners = [banner(other, OTHER_BANNERS[0]), banner(other, OTHER_BANNERS[1]),
                     banner(other, OTHER_BANNERS[2], BannerTarget.WEBSITE)]  # fmt: skip
    return {"tokens": tokens, "other_tokens": other_tokens, "email_banners": email,
            "not_live_banners": not_live, "website_banners": website,
            "other_banners": other_banners}  # fmt: skip


def views() -> dict[str, int]:
    """The views counted so far, per workspace and slot, summed over every week."""
    from django.db.models import Sum

    from touchbase.publishing.models_reach import BannerWeek

    counted = {}
    for slug in (SLUG, "other"):
        for target in ("email", "website"):
            total = BannerWeek.objects.filter(workspace__slug=slug, banner__target=target)
            counted[f"{slug}_{target}"] = total.aggregate(n=Sum("views"))["n"] or 0
    return counted


def child(action: str) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from touchbase.core.tenancy import scopes_disabled

    with scopes_disabled():
        if action == "views":
            return views()
        call_command("migrate", verbosity=0)
        return build()


def _child(vendor: str, action: str) -> dict:
    process = subprocess.run(
        [sys.executable, __file__, "--child", action],
        capture_output=True, text=True, env=_bench_env(vendor), cwd=ROOT,
    )  # fmt: skip
    if process.returncode:
        sys.stderr.write(process.stderr[-5000:])
        raise SystemExit(f"{vendor} {action} failed")
    line = next(row for row in process.stdout.splitlines() if row.startswith("RESULT "))
    return json.loads(line[7:])


def _bench_env(vendor: str) -> dict[str, str]:
    return _env(vendor, data_dir=DATA_DIR, pg_url=PG_URL)


# --- load --------------------------------------------------------------------------------------


def _fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def _check(port: int, vendor: str, data: dict) -> dict[str, object]:
    """Before the load: each language gets one of its own live banners' bytes, never another
    workspace's; an unknown token is a 404. Returns the 200 answers it took, per slot."""
    media = DATA_DIR / vendor / "media"
    own = {b["file"]: b for b in data["email_banners"]}
    foreign = {(media / b["file"]).read_bytes() for b in data["other_banners"]}
    problems, served = [], {"email": 0, "website": 0}
    images = {(media / name).read_bytes(): banner for name, banner in own.items()}
    for token in data["tokens"][:4]:
        for headers, language in zip(LANGUAGES, ("de", "en"), strict=True):
            status, kind, body = _fetch(port, f"/sig/{token}/banner.gif", headers)
            served["email"] += status == 200
            shown = images.get(body)
            if status != 200 or kind != "image/png":
                problems.append(f"{token} ({language}): {status} {kind}")
            elif body in foreign:
                problems.append(f"{token} ({language}) shows another workspace's banner")
            elif shown is None or shown["language"] not in ("", language):
                problems.append(f"{token} ({language}) shows {shown and shown['name']!r}")
    status, kind, body = _fetch(port, f"/banners/{SLUG}/image/", LANGUAGES[0])
    served["website"] += status == 200
    websites = {(media / b["file"]).read_bytes() for b in data["website_banners"]}
    if status != 200 or body not in websites:
        problems.append(f"the website slot answered {status} {kind}, not a website banner")
    if _fetch(port, "/sig/no-such-token/banner.gif", LANGUAGES[0])[0] != 404:
        problems.append("an unknown token is not a 404")
    return {"checked": not problems, "problems": problems, "served": served}


def run_load(vendor: str, seconds: float, data: dict, smoke: bool) -> dict[str, object]:
    """Start gunicorn on the bench database, check the slots, load them, compare the views."""
    port = _free_port()
    env = {**_bench_env(vendor), "TOUCHBASE_DEBUG": "0",
           "TOUCHBASE_ALLOWED_HOSTS": "127.0.0.1,localhost"}  # fmt: skip
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "touchbase.wsgi:application", "--workers", str(WORKERS), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning"], env=env, cwd=ROOT,
    )  # fmt: skip
    before = _child(vendor, "views")
    signature_paths = [f"/sig/{token}/banner.gif" for token in data["tokens"]]
    website_paths = [f"/banners/{SLUG}/image/"]
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        if smoke:
            healthz = _drive(port, ["/healthz"], seconds, WARMUP_SECONDS)
            status = _fetch(port, signature_paths[0], LANGUAGES[0])[0]
            return {"smoke": True, "port": port, "healthz": healthz, "banner_status": status}
        check = _check(port, vendor, data)
        if not check["checked"]:
            return {"skipped": "; ".join(check["problems"])}  # type: ignore[arg-type]
        email = _drive(port, signature_paths, seconds, WARMUP_SECONDS, LANGUAGES)
        website = _drive(port, website_paths, seconds, WARMUP_SECONDS, LANGUAGES)
    finally:
        server.terminate()
        server.wait(timeout=30)
    after = _child(vendor, "views")
    counted = {key: after[key] - before.get(key, 0) for key in after}
    served = {"email": _served(email) + check["served"]["email"],
              "website": _served(website) + check["served"]["website"]}  # fmt: skip
    return {
        "server": f"gunicorn, {WORKERS} sync workers, DEBUG off", "connections": CONNECTIONS,
        "workers": WORKERS, "signature_slot": {"paths": len(signature_paths), **email},
        "website_slot": {"paths": website_paths, **website},
        "banner_requests_per_s": email["requests_per_s"], "p50_ms": email.get("p50_ms"),
        "p95_ms": email.get("p95_ms"), "p99_ms": email.get("p99_ms"),
        "views_counted": counted[f"{SLUG}_email"], "requests_served": served["email"],
        "website_requests_per_s": website["requests_per_s"],
        "website_p99_ms": website.get("p99_ms"),
        "website_views_counted": counted[f"{SLUG}_website"],
        "website_requests_served": served["website"],
        "other_workspace_views": counted["other_email"] + counted["other_website"],
        "errors": email["errors"] + website["errors"],
    }  # fmt: skip


def _served(load: dict) -> int:
    return load["statuses"].get("200", 0) + load["warmup_statuses"].get("200", 0)


# --- RESULTS.md --------------------------------------------------------------------------------


def _met(figures: dict) -> bool:
    return (
        (figures.get("banner_requests_per_s") or 0) >= GOAL_PER_S
        and (figures.get("p99_ms") or 1e9) < GOAL_P99_MS
        and figures.get("views_counted") == figures.get("requests_served")
        and not figures.get("other_workspace_views")
    )


def _markdown(results: dict) -> str:
    rows, measured = [], []
    for vendor, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        figures = results.get(vendor) or {}
        if "banner_requests_per_s" not in figures:
            continue
        load = figures["load"]
        measured.append(figures)
        rows.append(
            f"| {label} | **{figures['banner_requests_per_s']:,}** | {load['p50_ms']} / "
            f"{load['p95_ms']} / **{figures['p99_ms']}** | {figures['views_counted']:,} / "
            f"{figures['requests_served']:,} | {load['website_requests_per_s']:,} / "
            f"{load['website_p99_ms']} | {load['website_views_counted']:,} / "
            f"{load['website_requests_served']:,} | {figures['errors']} | "
            f"{load['load_average'][0]}–{load['load_average'][1]} |"
        )  # fmt: skip
    met = bool(measured) and all(_met(figures) for figures in measured)
    sizes = sorted(b["bytes"] for b in results["data"]["email_banners"])
    return "\n".join([
        MARK_START,
        f"## Banner image in signatures (`bench/banners.py`, issue 11, {results['date']})",
        "",
        f"Command: `{results['command']}`. Raw figures: `bench/results/banners.json`. "
        f"Machine: {results['machine']}.",
        "",
        f"Data: one workspace with **{results['members']} signatures** (half German, half "
        f"English) and **{len(results['data']['email_banners'])} live e-mail banners** (PNG, "
        f"600 × 120, {sizes[0]:,}–{sizes[-1]:,} bytes; two German, two English, one for any "
        "language; weights 1–3), one future and one ended banner, two website banners; a "
        "second workspace with its own signatures and live banners, which must get no view. "
        f"Server: gunicorn `touchbase.wsgi:application --workers {results['workers']}` (sync), "
        "DEBUG off, on loopback; the load generator is bench/publishing.py's (Python "
        f"http.client, {results['connections']} threads) in its own process on the same cores. "
        f"Per slot: {WARMUP_SECONDS:g} s warm-up, then {results['duration_s']:g} s; the "
        "signature slot `/sig/<token>/banner.gif` takes the tokens in turn with Accept-Language "
        f"alternating German/English; the website slot is `/banners/{SLUG}/image/`. "
        "\"Served\" counts every 200 answer the checks and the generator received, warm-up "
        "included; \"counted\" is the sum of BannerWeek.views afterwards. Any answer but 200 "
        "is an error.",
        "",
        "| database | signature slot requests/s | p50 / p95 / p99 ms | views counted / served "
        "| website slot requests/s / p99 ms | views counted / served | errors | load average |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Goal \"at least {GOAL_PER_S:,} requests/s with p99 under {GOAL_P99_MS} ms, the view "
        f"count equal to the requests served\": **{'met' if met else 'not met'}**.",
        *results.get("notes", []),
        MARK_END,
    ])  # fmt: skip


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=sorted(VENDORS), default="both")
    parser.add_argument("--load-seconds", type=float, default=15)
    parser.add_argument("--measure-only", action="store_true",
                        help="reuse the data of the last build")  # fmt: skip
    parser.add_argument("--smoke", action="store_true",
                        help="check build and server start/stop: load /healthz, write nothing")  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT / "src"))
        print("RESULT " + json.dumps(child(args.child), default=str), flush=True)
        return
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    measured: dict[str, dict] = {}
    for vendor in VENDORS[args.database]:
        figures: dict = dict(results.get(vendor, {})) if args.measure_only else {}
        if not args.measure_only or "data" not in figures:
            fresh_database(vendor, data_dir=DATA_DIR, pg_name=PG_NAME)
            figures["data"] = _noted(lambda v=vendor: _child(v, "build"))
            print(f"[{vendor}] build: {len(figures['data']['tokens'])} signatures", flush=True)
        load = _noted(lambda v=vendor, f=figures: run_load(
            v, args.load_seconds, f["data"], args.smoke))  # fmt: skip
        print(f"[{vendor}] load: {json.dumps(load, ensure_ascii=False)}", flush=True)
        figures["load"] = load
        figures.update(database=vendor, connections=CONNECTIONS, workers=WORKERS)
        for key in ("banner_requests_per_s", "p99_ms", "views_counted", "requests_served",
                    "errors"):  # fmt: skip
            figures[key] = load.get(key)
        measured[vendor] = figures
    if args.smoke:
        print(json.dumps(measured, indent=2, ensure_ascii=False))
        return
    results.update(measured)
    results["data"] = next(iter(measured.values()))["data"]
    results["members"] = MEMBERS
    results["connections"] = CONNECTIONS
    results["workers"] = WORKERS
    results["duration_s"] = args.load_seconds
    # The headline figures: PostgreSQL's when it ran (the production database), else SQLite's.
    headline = results.get("postgresql") or results.get("sqlite") or {}
    for key in ("banner_requests_per_s", "p99_ms", "views_counted", "requests_served", "errors",
                "database"):  # fmt: skip
        results[key] = headline.get(key)
    results["goal_met"] = {v: _met(results[v]) for v in ("sqlite", "postgresql") if v in results}
    results["machine"] = f"{os.cpu_count()} cores, {_memory()}, {sys.platform}"
    results["date"] = dt.date.today().isoformat()
    results["command"] = "python bench/banners.py " + " ".join(sys.argv[1:])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    if any((results.get(v) or {}).get("banner_requests_per_s") for v in ("sqlite", "postgresql")):
        section_write(_markdown(results), start=MARK_START, end=MARK_END)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
