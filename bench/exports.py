"""Benchmark: the exports of the demo workspace (`touchbase demo`) through the real views.

    TOUCHBASE_DATA_DIR=/tmp/demo python bench/exports.py   # after `touchbase demo` there

Per export and format: time to the first byte (what the user waits before the download
starts), total time, rows and size. Writes bench/results/exports.json. Not a test.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "exports.json"
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "touchbase.settings")


def measure(client: object, url: str) -> dict[str, float | int]:
    started = time.perf_counter()
    response = client.get(url)  # type: ignore[attr-defined]
    chunks = iter(response.streaming_content)
    first = next(chunks)
    first_at = time.perf_counter()
    size = len(first) + sum(len(chunk) for chunk in chunks)
    done = time.perf_counter()
    return {
        "first_byte_s": round(first_at - started, 3),
        "total_s": round(done - started, 3),
        "bytes": size,
    }


def main() -> None:
    import django

    django.setup()
    from django.test import Client

    from touchbase.core.models import User
    from touchbase.relationships.models import Touchpoint

    client = Client(HTTP_ACCEPT_LANGUAGE="de", SERVER_NAME="localhost")
    client.force_login(User.objects.get(username="joseph"))
    from django_scopes import scopes_disabled

    with scopes_disabled():
        count = Touchpoint.objects.count()
    results: dict[str, object] = {"touchpoints": count, "runs": {}}
    runs: dict[str, object] = {}
    for kind in ("touchpoints", "accounts", "contacts"):
        for file_format in ("csv", "xlsx"):
            url = f"/{kind}/export/?format={file_format}"
            runs[f"{kind}.{file_format}"] = measure(client, url)
            print(kind, file_format, runs[f"{kind}.{file_format}"], flush=True)
    results["runs"] = runs
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
