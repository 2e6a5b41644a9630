"""registration_load end to end: the `kaowu` console script, a throwaway PostgreSQL database, a real
gunicorn and concurrent submissions for an item whose places run out during the run.

Needs the PostgreSQL server at KAOWU_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432): without
it the test fails, it is not skipped.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg

from bench.scenarios.registration_load import PG_URL
from bench.tests.databases import bench_databases, databases_left_by

REPO_DIR = Path(__file__).resolve().parents[2]


def test_registration_load_submits_without_errors_or_overbooking():
    try:
        bench_databases()  # the server answers before the run starts
    except psycopg.OperationalError as exc:
        raise AssertionError(
            f"registration_load needs PostgreSQL at {PG_URL} (set KAOWU_BENCH_PG_URL): {exc}"
        ) from exc
    script = Path(sys.executable).with_name("kaowu")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kaowu.cli"]
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # the scenario makes its own database; this one is not for it
    # Small enough to stay well under a minute, places few enough to run out in a one-second run.
    env.update(KAOWU_BENCH_APPLICATIONS="600", KAOWU_BENCH_PLACES="10")

    result = subprocess.run(
        [*command, "bench", "registration_load", "--json", "--duration", "1", "--concurrency", "2"],
        cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=180,
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    data = json.loads(lines[0])
    assert data["name"] == "registration_load"
    metrics = data["metrics"]
    assert metrics["errors"] == 0, result.stderr
    assert metrics["overbooked"] == 0, result.stderr
    assert metrics["rps"] > 0
    assert metrics["baseline_rps"] > 0
    assert metrics["ratio"] > 0
    assert metrics["places"] == 10
    assert metrics["submitted"] == 10, result.stderr  # the places ran out: the item is exactly full
    assert metrics["refused_full"] > 0, result.stderr  # ... and the 409 path was taken
    assert metrics["requests"] == metrics["accepted"] + metrics["refused_full"]
    assert not databases_left_by(result.stderr), "the throwaway database was not dropped"
