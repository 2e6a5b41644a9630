"""The harness end to end: the `kaowu` console script, a real gunicorn, real load on loopback."""

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.runner import SCENARIOS, known_names

REPO_DIR = Path(__file__).resolve().parents[2]


def kaowu(*args: str, timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # The console script is what `make bench` and people run; `-m kaowu.cli` is the same entry point
    # for an environment whose scripts live elsewhere.
    script = Path(sys.executable).with_name("kaowu")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kaowu.cli"]
    env = {**os.environ, **(env or {})}
    # Under `make test-postgres` DATABASE_URL names a database that pytest-django never creates (it makes
    # test_<name>); the harness is under test here, not the database, so use its throwaway SQLite.
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [*command, *args], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_every_scenario_is_a_callable_with_a_plain_name():
    assert SCENARIOS
    for name, scenario in SCENARIOS.items():
        assert name.isidentifier() and name != "all"
        assert callable(scenario)


def test_http_baseline_prints_one_json_object_with_its_ratio():
    result = kaowu("bench", "http_baseline", "--json", "--duration", "1", "--concurrency", "2", timeout=120)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout  # progress must go to stderr, never mixed into the JSON
    data = json.loads(lines[0])
    assert data["name"] == "http_baseline"
    metrics = data["metrics"]
    assert metrics["errors"] == 0, result.stderr
    assert metrics["rps"] > 0
    assert metrics["baseline_rps"] > 0
    assert metrics["ratio"] > 0
    assert metrics["requests"] > 0
    assert metrics["concurrency"] == 2
    assert metrics["workers"] == 2
    assert 0 < metrics["latency_p50_ms"] <= metrics["latency_p95_ms"]


def test_unknown_scenario_fails_and_lists_the_known_ones():
    result = kaowu("bench", "no_such_scenario", "--json", timeout=60)

    assert result.returncode != 0
    assert result.stdout == ""
    assert "no_such_scenario" in result.stderr
    for name in known_names():
        assert name in result.stderr


def test_arrange_seats_a_small_province_and_reports_its_ratio_and_memory():
    # Scale 2: 4,000 paid candidates; the full run uses scale 10 (100,000).
    result = kaowu("bench", "arrange", "--json", timeout=600, env={"KAOWU_BENCH_ARRANGE_SCALE": "2"})

    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout.splitlines()[-1])["metrics"]
    assert metrics["errors"] == 0, result.stderr
    assert metrics["baseline_rows"] == 4_000 and metrics["candidates"] >= 4_000
    assert metrics["seats"] > metrics["candidates"]  # a third of them sit two sessions
    assert metrics["ratio"] > 0 and 0 < metrics["peak_memory_mb"] < 1_024


def test_tickets_pdf_renders_tickets_against_plain_pages_and_streams_a_batch_in_flat_memory():
    # 800 tickets streamed (and 400 first, for the growth); the full run streams 10,000.
    result = kaowu("bench", "tickets_pdf", "--json", "--duration", "1", timeout=600,
                   env={"KAOWU_BENCH_TICKETS_COUNT": "800"})

    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout.splitlines()[-1])["metrics"]
    assert metrics["errors"] == 0, result.stderr
    assert metrics["rps"] > 0 and metrics["baseline_rps"] > 0 and metrics["ratio"] > 0
    assert metrics["tickets"] >= 400 and metrics["baseline_pages"] == metrics["tickets"]
    assert metrics["stream_count"] == 800 and metrics["stream_small_count"] == 400
    assert metrics["checked"] > 0  # page counts and pages read back with poppler
    assert 0 < metrics["peak_memory_mb"] < 1_024 and 0 < metrics["stream_peak_memory_mb"] < 1_024
    assert metrics["stream_memory_growth_mb"] < 30


def test_certificates_pdf_renders_certificates_against_plain_pages_and_streams_a_batch_in_flat_memory():
    # 800 certificates streamed (and 400 first, for the growth); the full run streams 10,000.
    result = kaowu("bench", "certificates_pdf", "--json", "--duration", "1", timeout=600,
                   env={"KAOWU_BENCH_CERTIFICATES_COUNT": "800"})

    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout.splitlines()[-1])["metrics"]
    assert metrics["errors"] == 0, result.stderr
    assert metrics["pages_per_s"] > 0 and metrics["baseline_pages_per_s"] > 0 and metrics["ratio"] > 0
    assert metrics["pages"] >= 400 and metrics["baseline_pages"] == metrics["pages"]
    assert metrics["stream_count"] == 800 and metrics["stream_small_count"] == 400
    assert metrics["checked"] > 0  # page counts, pages read back and the QR code verified
    assert 0 < metrics["peak_memory_mb"] < 1_024 and 0 < metrics["stream_peak_memory_mb"] < 1_024
    assert metrics["stream_memory_growth_mb"] < 30

def test_dispatch_solves_a_small_province_through_the_command_with_no_violations():
    # A twentieth of the province (about 100 rooms); the full run is 2,000 rooms and 8,000 staff.
    result = kaowu("bench", "dispatch", "--json", timeout=300, env={"KAOWU_BENCH_DISPATCH_SCALE": "0.05"})

    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout.splitlines()[-1])["metrics"]
    assert metrics["errors"] == 0 and metrics["violations"] == 0, result.stderr
    assert metrics["gap"] <= 0.01 and metrics["objective"] >= metrics["bound"] - 1e-6
