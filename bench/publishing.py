"""Benchmark: the public news page and its Atom feed for a workspace with 5,000 published posts,
served by the production server (gunicorn, 2 workers, DEBUG off) to 16 connections on loopback.

    python bench/publishing.py                       # both databases: build, then load
    python bench/publishing.py --database sqlite     # sqlite | postgres | both
    python bench/publishing.py --load-seconds 30     # longer runs (default 15 s per URL set)
    python bench/publishing.py --measure-only        # load again on the data of the last build
    python bench/publishing.py --smoke               # build, start the server, load /healthz only

Figures go to bench/results/publishing.json and are printed; a full run (not --smoke) also
writes its section of bench/RESULTS.md (between the publishing markers, replaced on each run).
Not a test: nothing here asserts a time. Goal (issue 10): at least 500 requests/s with p95
under 50 ms, for the news page and for the feed.

Data: one workspace ("bench") with 5,000 published posts on the news page, written with one
bulk_create (on_news, state published, the public copy — title, sanitised HTML from the app's
own Markdown renderer, summary, tags — and published_at spread over about six years), their
versions and tags; the reachability notice filled in, so the page shows its banner. A second
workspace holds 50 newer posts: a page that forgot the workspace would show them.

Load: gunicorn `touchbase.wsgi:application --workers 2` on a free loopback port with the bench
database (DATABASE_URL, or TOUCHBASE_DATA_DIR for SQLite), DEBUG off. The load generator runs
in a process of its own on the same 2 cores: 16 threads, each with one http.client connection
(kept alive where the server allows; gunicorn's sync workers close after each answer, so
http.client reconnects — as a browser without a proxy in front would). Per URL set: 2 s
warm-up, then a fixed duration; the news page mixes page 1 (most requests) with later pages,
the feed is one URL. Every answer other than 200 counts as an error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from due_list import _memory, _wait_for, percentiles  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data" / "publishing"
RESULTS = ROOT / "bench" / "results" / "publishing.json"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "tb_bench_publishing"
PG_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_NAME
VENDORS = {"sqlite": ["sqlite"], "postgres": ["postgresql"], "both": ["sqlite", "postgresql"]}
SLUG = "bench"
POSTS = 5000
CONNECTIONS = 16
WORKERS = 2
WARMUP_SECONDS = 2.0
# Page 1 is what nearly everyone sees; some readers page back.
PAGE_MIX = [1] * 12 + [2, 2, 3, 5, 10, 40]
MARK_START = "<!-- bench/publishing.py: start -->"
MARK_END = "<!-- bench/publishing.py: end -->"

SUBJECTS = ["Wasserkocher Aurora", "Toaster Borealis", "Kaffeemühle Castor", "Standmixer Nova",
            "Milchaufschäumer Lyra", "Eierkocher Vega", "unser Reparaturservice",
            "der Ersatzteilshop", "die Service-Hotline", "unser Showroom in München",
            "der Vertrieb in Südtirol", "die Mehrwegbox"]  # fmt: skip
NEWS = ["Neu: {s} in einer Variante für die Gastronomie", "{s}: was sich ab diesem Monat ändert",
        "Fünf Tipps rund um {s}", "{s} jetzt auch in der Schweiz", "Danke für Ihre Ideen zu {s}",
        "So pflegen Sie {s} richtig", "{s}: Antworten auf Ihre häufigsten Fragen",
        "Wir stellen vor: {s}"]  # fmt: skip
TAGS = ["Produkte", "Service", "Tipps", "Veranstaltungen", "Nachhaltigkeit", "Team", "Rezepte",
        "Gastronomie", "Hotel", "Ersatzteile", "Presse", "Schweiz"]  # fmt: skip
BODIES = [
    "Viele von Ihnen haben danach gefragt: **{s}** bekommt ein Update. Ab sofort gilt das für "
    "alle Bestellungen im Kundenkonto und bei Ihrem Fachhändler.\n\n"
    "Was sich ändert:\n\n- schnellere Lieferung innerhalb von drei Werktagen,\n"
    "- Ersatzteile mindestens zehn Jahre lang,\n- eine Anleitung auf Deutsch und Englisch.\n\n"
    "Fragen beantwortet Ihnen gern unser [Kundenservice](https://pollux.example/service).",
    "Für Hotels und Gastronomie haben wir {s} gründlich getestet: drei Monate Dauerbetrieb in "
    "fünf Betrieben zwischen Wien, Bozen und Zürich.\n\n"
    "Das Ergebnis hat uns selbst überrascht – mehr dazu in unserem Bericht. Wir danken allen, "
    "die mitgemacht haben, und freuen uns auf Ihre Rückmeldungen in den Kommentaren.",
    "## Das Wichtigste in Kürze\n\n{s} ist ab dem nächsten Monat im Fachhandel.\n\n"
    "1. Bestellen Sie wie gewohnt über Ihren Ansprechpartner.\n"
    "2. Vorführgeräte stehen im Showroom bereit.\n3. Schulungen bieten wir online an.\n\n"
    "> „Endlich ein Gerät, das den Alltag in der Küche aushält.“ – eine Kundin aus Graz",
]  # fmt: skip


# --- data --------------------------------------------------------------------------------------


def build(posts: int) -> dict[str, object]:
    """The workspace, its 5,000 posts (bulk), versions and tags; a second workspace's newer posts."""
    from django.db import connection

    from touchbase.core.services import member_add, workspace_create
    from touchbase.publishing import services
    from touchbase.publishing.choices import DraftState
    from touchbase.publishing.markup import markdown_html, markdown_summary
    from touchbase.publishing.models import Draft, DraftVersion, Tag

    started = time.perf_counter()
    rng = random.Random(10)
    workspace = workspace_create(name="Bench GmbH", slug=SLUG)
    other = workspace_create(name="Other AG", slug="other")
    author = member_add(workspace=workspace, username="writer", password=None, role="staff",
                        first_name="Wera", last_name="Schreiber").user  # fmt: skip
    services.news_settings(workspace=workspace)
    services.news_settings(workspace=other)
    services.channels_ensure(workspace=workspace)
    services.notice_update(
        workspace=workspace, actor=author,
        reach="Telefon: +49 89 99998 210 (Montag bis Freitag, 8 bis 17 Uhr)\n"
              "E-Mail: service@pollux.example",
        operation_note="Versand und Reparaturannahme arbeiten wie gewohnt.",
        booking="Termine im Showroom buchen Sie online.",
        booking_url="https://pollux.example/termin", show_banner=True,
    )  # fmt: skip
    tags = {name: Tag.objects.create(workspace=workspace, name=name, slug=name.casefold())
            for name in TAGS}  # fmt: skip
    rendered = {}  # (body, subject) → (markdown, html, summary): the renderer is the app's own
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def post(target, index: int, at: dt.datetime) -> tuple[Draft, list[str]]:
        subject = rng.choice(SUBJECTS)
        key = (rng.randrange(len(BODIES)), subject)
        if key not in rendered:
            body = BODIES[key[0]].format(s=subject)
            rendered[key] = (body, markdown_html(body), markdown_summary(body, limit=300))
        body, html, summary = rendered[key]
        title = rng.choice(NEWS).format(s=subject)
        title = title[0].upper() + title[1:] + f" ({index + 1})"
        names = rng.sample(TAGS, rng.randint(1, 3))
        draft = Draft(
            workspace=target, author=author, title=title, body=body, state=DraftState.PUBLISHED,
            version=1, on_news=True, published_at=at, published_version=1, public_title=title,
            public_html=html, public_summary=summary,
            public_tags=[[name.casefold(), name] for name in names],
        )  # fmt: skip
        return draft, names

    made = [post(workspace, index, now - dt.timedelta(hours=10 * index + rng.random() * 8))
            for index in range(posts)]  # fmt: skip
    drafts = Draft.objects.bulk_create([draft for draft, _names in made], batch_size=1000)
    if any(draft.pk is None for draft in drafts):  # SQLite before 3.35 returns no ids
        drafts = list(Draft.objects.filter(workspace=workspace).order_by("pk"))
    # created_at is auto_now_add: set it before publication, as the services would have.
    Draft.objects.filter(workspace=workspace).update(created_at=now - dt.timedelta(days=2300))
    DraftVersion.objects.bulk_create(
        [DraftVersion(workspace=workspace, draft=draft, number=1, title=draft.title,
                      body=draft.body, channel_names=["Blog (news page)"], tag_names=names,
                      author=author)
         for draft, (_same, names) in zip(drafts, made, strict=True)], batch_size=1000,
    )  # fmt: skip
    links = Draft.tags.through
    links.objects.bulk_create(
        [links(draft_id=draft.pk, tag_id=tags[name].pk)
         for draft, (_same, names) in zip(drafts, made, strict=True) for name in names],
        batch_size=2000,
    )  # fmt: skip
    newer = [post(other, index, now + dt.timedelta(minutes=-index))[0] for index in range(50)]
    Draft.objects.bulk_create(newer)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "posts": Draft.objects.filter(workspace=workspace, on_news=True).count(),
        "other_workspace_posts": Draft.objects.filter(workspace=other).count(),
        "newest_title": Draft.objects.filter(workspace=workspace).order_by("-published_at")
        .values_list("public_title", flat=True)[0],
        "other_newest_title": Draft.objects.filter(workspace=other)
        .order_by("-published_at").values_list("public_title", flat=True)[0],
        "tag_links": links.objects.count(),
        "build_s": round(time.perf_counter() - started, 1),
    }  # fmt: skip


# --- load --------------------------------------------------------------------------------------


def load_client(spec: dict) -> dict:
    """Drive the paths from CONNECTIONS threads: warm-up, then measure for `seconds`.

    Each thread takes its headers in turn from spec["headers"] (languages alternate per
    request). Answers in the warm-up are not timed, but their statuses are kept apart, so a
    benchmark that counts on the server side can compare with every answer served."""
    port, paths = spec["port"], spec["paths"]
    latencies: list[list[float]] = [[] for _ in range(CONNECTIONS)]
    statuses: list[dict[int, int]] = [{} for _ in range(CONNECTIONS)]
    warmup_statuses: list[dict[int, int]] = [{} for _ in range(CONNECTIONS)]
    content_types: list[dict[str, int]] = [{} for _ in range(CONNECTIONS)]
    failures = [0] * CONNECTIONS
    begin = time.perf_counter() + spec["warmup"]
    stop_at = begin + spec["seconds"]
    header_sets = spec.get("headers") or [
        {"Accept": "text/html,application/atom+xml", "Accept-Encoding": "identity",
         "Accept-Language": "de-DE,de;q=0.9", "User-Agent": "touchbase-bench"}
    ]  # fmt: skip

    def worker(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        index = number
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                break
            path = paths[index % len(paths)]
            headers = header_sets[(index // CONNECTIONS) % len(header_sets)]
            index += CONNECTIONS
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                if now >= begin:
                    failures[number] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            if now < begin:
                _tally(warmup_statuses[number], response.status)
                continue
            latencies[number].append((time.perf_counter() - now) * 1000)
            _tally(statuses[number], response.status)
            _tally(content_types[number], response.getheader("Content-Type", ""))
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples = [ms for per_thread in latencies for ms in per_thread]
    counted = _merged(statuses)
    errors = sum(failures) + sum(n for status, n in counted.items() if status != "200")
    return {
        "duration_s": spec["seconds"], "warmup_s": spec["warmup"],
        "requests_per_s": round(len(samples) / spec["seconds"], 1),
        **(percentiles(samples) if samples else {"requests": 0}),
        **({"p99_ms": percentile(samples, 0.99)} if samples else {}), "statuses": counted,
        "warmup_statuses": _merged(warmup_statuses), "content_types": _merged(content_types),
        "connection_failures": sum(failures), "errors": errors,
        # What the generator itself took of the shared cores, warm-up included.
        "client_cpu_s": round(time.process_time(), 1),
    }  # fmt: skip


def _tally(counts: dict, key: object) -> None:
    counts[key] = counts.get(key, 0) + 1


def _merged(per_thread: list[dict]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for counts in per_thread:
        for key, count in counts.items():
            merged[str(key)] = merged.get(str(key), 0) + count
    return merged


def percentile(samples: list[float], share: float) -> float:
    """The sample below which `share` of them lie (nearest rank, as due_list.percentiles)."""
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(round(share * len(ordered))) - 1)], 2)


def _drive(port: int, paths: list[str], seconds: float, warmup: float,
           headers: list[dict[str, str]] | None = None) -> dict:  # fmt: skip
    """The load client in a process of its own, so its threads do not share the parent's GIL."""
    spec = {"port": port, "paths": paths, "seconds": seconds, "warmup": warmup,
            "headers": headers}  # fmt: skip
    process = subprocess.run(
        [sys.executable, __file__, "--load-client", json.dumps(spec)], capture_output=True,
        text=True,
    )  # fmt: skip
    if process.returncode:
        sys.stderr.write(process.stderr[-4000:])
        raise SystemExit("the load client failed")
    line = next(row for row in process.stdout.splitlines() if row.startswith("RESULT "))
    return json.loads(line[7:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read().decode()
    finally:
        conn.close()


def _check(port: int, news: str, feed: str, newest: str, foreign: str) -> dict[str, object]:
    """Before the load: the page and the feed answer, show the newest post, not the other's."""
    problems = []
    for path, kind in ((news, "text/html"), (feed, "xml")):
        status, content_type, body = _get(port, path)
        if status != 200:
            problems.append(f"{path} answered {status}")
            continue
        if kind not in content_type:
            problems.append(f"{path} is {content_type!r}, expected {kind}")
        if newest not in _unescape(body):
            problems.append(f"{path} does not show the newest post {newest!r}")
        if foreign in _unescape(body):
            problems.append(f"{path} shows another workspace's post {foreign!r}")
    return {"checked": not problems, "problems": problems}


def _unescape(text: str) -> str:
    import html

    return html.unescape(html.unescape(text))


def run_load(vendor: str, seconds: float, data: dict, smoke: bool) -> dict[str, object]:
    """Start gunicorn on the bench database, check the pages, then load news and feed."""
    port = _free_port()
    env = {**_env(vendor), "TOUCHBASE_DEBUG": "0",
           "TOUCHBASE_ALLOWED_HOSTS": "127.0.0.1,localhost"}  # fmt: skip
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "touchbase.wsgi:application", "--workers", str(WORKERS), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning"], env=env, cwd=ROOT,
    )  # fmt: skip
    news = f"/news/{SLUG}/"
    feed = f"/news/{SLUG}/feed.atom"
    news_paths = [news if page == 1 else f"{news}?page={page}" for page in PAGE_MIX]
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        if smoke:
            healthz = _drive(port, ["/healthz"], seconds, WARMUP_SECONDS)
            return {"smoke": True, "port": port, "healthz": healthz,
                    "news_status": _get(port, news)[0], "feed_status": _get(port, feed)[0]}  # fmt: skip
        check = _check(port, news, feed, data["newest_title"], data["other_newest_title"])
        if not check["checked"]:
            return {"skipped": "; ".join(check["problems"])}  # type: ignore[arg-type]
        news_load = _drive(port, news_paths, seconds, WARMUP_SECONDS)
        feed_load = _drive(port, [feed], seconds, WARMUP_SECONDS)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "server": f"gunicorn, {WORKERS} sync workers, DEBUG off", "connections": CONNECTIONS,
        "workers": WORKERS, "news": {"paths": sorted(set(news_paths)), **news_load},
        "feed": {"paths": [feed], **feed_load},
        "news_requests_per_s": news_load["requests_per_s"], "news_p95_ms": news_load.get("p95_ms"),
        "feed_requests_per_s": feed_load["requests_per_s"], "feed_p95_ms": feed_load.get("p95_ms"),
        "errors": news_load["errors"] + feed_load["errors"],
    }  # fmt: skip


# --- processes ---------------------------------------------------------------------------------


def _env(vendor: str, *, data_dir: Path = DATA_DIR, pg_url: str = PG_URL) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "touchbase.settings",
           "PYTHONPATH": str(ROOT / "src"), "TOUCHBASE_DATA_DIR": str(data_dir / vendor)}  # fmt: skip
    env.pop("TOUCHBASE_DEBUG", None)
    if vendor == "postgresql":
        env["DATABASE_URL"] = pg_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def fresh_database(vendor: str, *, data_dir: Path = DATA_DIR, pg_name: str = PG_NAME) -> None:
    shutil.rmtree(data_dir / vendor, ignore_errors=True)
    (data_dir / vendor).mkdir(parents=True)
    if vendor == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {pg_name}")


def _child(vendor: str, posts: int) -> dict:
    process = subprocess.run(
        [sys.executable, __file__, "--child", vendor, "--posts", str(posts)],
        capture_output=True, text=True, env=_env(vendor), cwd=ROOT,
    )  # fmt: skip
    if process.returncode:
        sys.stderr.write(process.stderr[-5000:])
        raise SystemExit(f"{vendor} build failed")
    line = next(row for row in process.stdout.splitlines() if row.startswith("RESULT "))
    result = json.loads(line[7:])
    print(f"[{vendor}] build: {json.dumps(result, ensure_ascii=False)}", flush=True)
    return result


def child(posts: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from touchbase.core.tenancy import scopes_disabled

    with scopes_disabled():
        call_command("migrate", verbosity=0)
        return build(posts)


def _noted(part) -> dict:
    """A part's figures with when they were taken and how busy the machine was (2 cores)."""
    before = os.getloadavg()[0]
    figures = part()
    return {**figures, "measured_at": dt.datetime.now().isoformat(timespec="minutes"),
            "load_average": [round(before, 2), round(os.getloadavg()[0], 2)]}  # fmt: skip


# --- RESULTS.md --------------------------------------------------------------------------------


def _markdown(results: dict) -> str:
    rows = []
    for vendor, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        figures = results.get(vendor) or {}
        if "news_requests_per_s" not in figures:
            continue
        news, feed = figures["load"]["news"], figures["load"]["feed"]
        rows.append(
            f"| {label} | **{figures['news_requests_per_s']:,}** | {news['p50_ms']} / "
            f"**{figures['news_p95_ms']}** | **{figures['feed_requests_per_s']:,}** | "
            f"{feed['p50_ms']} / **{figures['feed_p95_ms']}** | {figures['errors']} | "
            f"{figures['load']['load_average'][0]}–{figures['load']['load_average'][1]} |"
        )  # fmt: skip
    met = all(
        (results.get(v) or {}).get(f"{part}_requests_per_s", 0) >= 500
        and ((results.get(v) or {}).get(f"{part}_p95_ms") or 1e9) < 50
        for v in ("sqlite", "postgresql") if "news_requests_per_s" in (results.get(v) or {})
        for part in ("news", "feed")
    )  # fmt: skip
    return "\n".join([
        MARK_START,
        f"## News page and feed (`bench/publishing.py`, issue 10, {results['date']})",
        "",
        f"Command: `{results['command']}`. Raw figures: `bench/results/publishing.json`. "
        f"Machine: {results['machine']}.",
        "",
        f"Data: one workspace with **{results['posts']:,} published posts** on its news page "
        "(bulk-written, public copy rendered by the app's Markdown renderer, 1–3 tags each, "
        "six years of dates), the reachability notice shown as banner; a second workspace's "
        "50 newer posts must not show. Server: gunicorn `touchbase.wsgi:application --workers "
        f"{results['workers']}` (sync), DEBUG off, on loopback; the load generator is Python "
        f"(http.client, {results['connections']} threads) in its own process on the same cores. "
        f"Per URL set: {WARMUP_SECONDS:g} s warm-up, then {results['duration_s']:g} s. The news "
        "page mixes page 1 (2 of 3 requests) with pages 2, 3, 5, 10 and 40; the feed is "
        f"`/news/{SLUG}/feed.atom`. Any answer but 200 is an error.",
        "",
        "| database | news requests/s | news p50 / p95 ms | feed requests/s | feed p50 / p95 ms "
        "| errors | load average |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Goal \"at least 500 requests/s with p95 under 50 ms\": **{'met' if met else 'not met'}**.",
        MARK_END,
    ])  # fmt: skip


def results_md_update(results: dict) -> None:
    section_write(_markdown(results), start=MARK_START, end=MARK_END)


def section_write(section: str, *, start: str, end: str) -> None:
    """Replace the section between the markers, or put it above the first section."""
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    elif match := re.search(r"^(<!-- bench/|## )", text, flags=re.MULTILINE):
        # Above the first section, and above its marker too: inside another script's markers
        # it would be lost when that script writes its own section again.
        text = f"{text[: match.start()]}{section}\n\n{text[match.start() :]}"
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS_MD.write_text(text)


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=sorted(VENDORS), default="both")
    parser.add_argument("--posts", type=int, default=POSTS)
    parser.add_argument("--load-seconds", type=float, default=15)
    parser.add_argument("--measure-only", action="store_true",
                        help="reuse the data of the last build")  # fmt: skip
    parser.add_argument("--smoke", action="store_true",
                        help="check build and server start/stop: load /healthz, write nothing")  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--load-client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_client:
        print("RESULT " + json.dumps(load_client(json.loads(args.load_client))), flush=True)
        return
    if args.child:
        sys.path.insert(0, str(ROOT / "src"))
        print("RESULT " + json.dumps(child(args.posts), default=str), flush=True)
        return
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    measured: dict[str, dict] = {}
    for vendor in VENDORS[args.database]:
        figures: dict = dict(results.get(vendor, {})) if args.measure_only else {}
        if not args.measure_only or "data" not in figures:
            fresh_database(vendor)
            figures["data"] = _noted(lambda v=vendor: _child(v, args.posts))
        load = _noted(lambda v=vendor, f=figures: run_load(
            v, args.load_seconds, f["data"], args.smoke))  # fmt: skip
        print(f"[{vendor}] load: {json.dumps(load, ensure_ascii=False)}", flush=True)
        figures["load"] = load
        figures.update(database=vendor, posts=figures["data"]["posts"], connections=CONNECTIONS,
                       workers=WORKERS)  # fmt: skip
        for key in ("news_requests_per_s", "news_p95_ms", "feed_requests_per_s", "feed_p95_ms",
                    "errors"):  # fmt: skip
            figures[key] = load.get(key)
        measured[vendor] = figures
    if args.smoke:
        print(json.dumps(measured, indent=2, ensure_ascii=False))
        return
    results.update(measured)
    results["posts"] = args.posts
    results["connections"] = CONNECTIONS
    results["workers"] = WORKERS
    results["duration_s"] = args.load_seconds
    # The headline figures: PostgreSQL's when it ran (the production database), else SQLite's.
    headline = results.get("postgresql") or results.get("sqlite") or {}
    for key in ("news_requests_per_s", "news_p95_ms", "feed_requests_per_s", "feed_p95_ms",
                "errors", "database"):  # fmt: skip
        results[key] = headline.get(key)
    results["machine"] = f"{os.cpu_count()} cores, {_memory()}, {sys.platform}"
    results["date"] = dt.date.today().isoformat()
    results["command"] = "python bench/publishing.py " + " ".join(sys.argv[1:])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    if any("news_requests_per_s" in (results.get(v) or {}) and results[v]["news_requests_per_s"]
           for v in ("sqlite", "postgresql")):  # fmt: skip
        results_md_update(results)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
