"""A big ingest killed half-way: what was acknowledged stays, a rerun completes it exactly.

Runs `touchbase ingest` as a separate process against its own database (a fresh SQLite file,
or a fresh PostgreSQL database when the suite runs on PostgreSQL), kills it with SIGKILL once
some batches are committed, and runs it again.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

TOUCHBASE = str(Path(sys.executable).parent / "touchbase")
LINES = 40_000
SETUP = """
from touchbase.core.services import workspace_create
from touchbase.core.tenancy import workspace_scope
from touchbase.listening.services import source_save
workspace = workspace_create(name="Crash GmbH", slug="crash")
with workspace_scope(workspace):
    source_save(workspace=workspace, name="Export", kind="upload")
"""


@pytest.fixture
def own_database(tmp_path) -> Iterator[dict[str, str]]:
    env = {**os.environ, "TOUCHBASE_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        env.pop("DATABASE_URL", None)
        yield env
        return
    server, name = url.rsplit("/", 1)[0], f"tb_crash_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{server}/{name}"
    try:
        yield env
    finally:
        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def count(env: dict[str, str], sql: str) -> int:
    if "DATABASE_URL" in env:
        with psycopg.connect(env["DATABASE_URL"]) as connection:
            row = connection.execute(sql).fetchone()
    else:
        with sqlite3.connect(
            Path(env["TOUCHBASE_DATA_DIR"]) / "touchbase.sqlite3", timeout=20
        ) as connection:
            row = connection.execute(sql).fetchone()
    return int(row[0]) if row else 0


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TOUCHBASE, *args], env=env, capture_output=True, text=True, timeout=600, check=True
    )


def test_a_killed_ingest_loses_nothing_acknowledged_and_a_rerun_duplicates_nothing(
    own_database, tmp_path
):
    env = own_database
    run(env, "migrate", "--no-input", "-v0")
    run(env, "shell", "-c", SETUP)
    path = tmp_path / "mentions.jsonl"
    with path.open("w") as file:
        for number in range(LINES):
            file.write(
                json.dumps(
                    {
                        "id": number,
                        "author": f"kunde{number}",
                        "text": f"Bewertung {number}: die Lieferung kam pünktlich an.",
                    }
                )
                + "\n"
            )
    first = subprocess.Popen(
        [TOUCHBASE, "ingest", str(path), "--source", "Export", "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 300
    while count(env, "SELECT COUNT(*) FROM listening_mention") < 4000 and first.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    first.kill()
    first.wait()
    assert first.returncode != 0, "the ingest finished before it could be killed"
    # what the job acknowledged (its position) was committed with the rows, and vice versa
    stored = count(env, "SELECT COUNT(*) FROM listening_mention")
    acknowledged = count(env, "SELECT MAX(stored) FROM listening_ingestjob")
    assert 0 < acknowledged == stored < LINES

    second = run(env, "ingest", str(path), "--source", "Export", "--quiet")
    assert "Going on after line" in second.stdout
    assert count(env, "SELECT COUNT(*) FROM listening_mention") == LINES
    assert count(env, "SELECT COUNT(DISTINCT external_id) FROM listening_mention") == LINES
    assert count(env, "SELECT COUNT(*) FROM listening_ingestjob WHERE status = 'done'") == 1
