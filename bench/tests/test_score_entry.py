"""score_entry end to end at a tiny scale: the `kaowu` console script, a throwaway PostgreSQL database, the demo
province at scale 2 (4,000 paid candidates), their subject scores, the alternating read/compose rounds and the
writes.

Needs the PostgreSQL server at KAOWU_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432): without it the
test fails, it is not skipped.
"""

import json

from bench.tests.test_harness import kaowu


def test_score_entry_composes_a_small_province_against_its_read_without_errors():
    result = kaowu("bench", "score_entry", "--json", "--duration", "1", timeout=900,
                   env={"KAOWU_BENCH_SCORE_SCALE": "2"})

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout  # progress goes to stderr
    data = json.loads(lines[0])
    assert data["name"] == "score_entry"
    metrics = data["metrics"]
    assert metrics["errors"] == 0, result.stderr
    # Every paid candidate of the scaled plans (4,000) and of the demo's own plans has a composed result.
    assert metrics["candidates"] >= 4_000 and metrics["results_written"] == metrics["candidates"]
    assert metrics["scores"] > metrics["candidates"]  # a third sit two sessions
    assert metrics["unwritten"] == 0 and metrics["differing"] == 0
    assert metrics["outcome_passed"] > 0 and metrics["outcome_failed"] > 0 and metrics["outcome_absent"] > 0
    assert metrics["rounds"] >= 3 and metrics["seconds_read"] > 0 and metrics["seconds_compose"] > 0
    assert 0 < metrics["ratio"] and 0 < metrics["peak_memory_mb"] < 1_024
