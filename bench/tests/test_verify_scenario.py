"""The verify scenario's pieces: the EXPLAIN reader, the million-certificate loader on a small N, the captured
plan of the real verification, and a one-second run through the `kaowu` console script.

The database tests need the PostgreSQL server at KAOWU_BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432): without it they fail, they are not skipped.
"""

import json
import tempfile
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from bench.scenarios import child_run
from bench.scenarios.http_baseline import migrate, production_env
from bench.scenarios.registration_load import throwaway_database
from bench.scenarios.verify import (
    TABLE,
    _demo,
    certificates_load,
    plan_uses_index,
    sample_draw,
)
from bench.tests.databases import bench_databases, databases_left_by
from bench.tests.test_harness import kaowu
from kaowu.certificates.numbering import LocalFormat, skill_level_number_parse

INDEX_PLAN = """\
Limit  (cost=0.85..16.89 rows=1 width=156) (actual time=0.005..0.005 rows=1 loops=1)
  ->  Nested Loop Left Join  (cost=0.85..16.89 rows=1 width=156)
        ->  Index Scan using certificates_certificate_number_key on certificates_certificate  (cost=0.42..8.44 rows=1)
              Index Cond: ((number)::text = 'S102351000045234003175'::text)
        ->  Index Scan using certificates_certificate_replaces_id_key on certificates_certificate t2  (cost=0.42..8.44)
              Index Cond: (replaces_id = certificates_certificate.id)
Planning Time: 0.175 ms"""


def test_the_plan_reader_accepts_index_scans_and_refuses_any_sequential_scan_of_the_table():
    assert plan_uses_index(INDEX_PLAN)
    # Without the unique index the lookup reads the whole table: one sequential scan is enough to fail.
    seq = INDEX_PLAN.replace("Index Scan using certificates_certificate_number_key on certificates_certificate ",
                             "Seq Scan on certificates_certificate ")
    assert not plan_uses_index(seq)
    assert plan_uses_index("Bitmap Heap Scan on certificates_certificate\n"
                           "  ->  Bitmap Index Scan on certificates_certificate_number_key")
    # A plan that never reads the certificate table says nothing about its index.
    assert not plan_uses_index("Index Scan using core_auditevent_pkey on core_auditevent")


@pytest.fixture(scope="module")
def demo_database():
    """A migrated database seeded with `kaowu demo`, and the production environment pointing at it (an
    unreachable PostgreSQL fails here, as in the scenario)."""
    with tempfile.TemporaryDirectory(prefix="kaowu-bench-test-") as tmp, throwaway_database() as url:
        var_dir = Path(tmp)
        env = production_env(var_dir)
        env.update(DATABASE_URL=url)
        migrate(env, var_dir / "migrate.log")
        _demo(env, var_dir / "demo.log")
        yield url, env, var_dir


def test_the_loader_writes_distinct_well_formed_numbers_with_replacements_and_revocations(demo_database):
    url, env, var_dir = demo_database
    with psycopg.connect(url) as conn:
        before = conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]

    total = certificates_load(url, 5_000)

    assert total == before + 5_000
    with psycopg.connect(url) as conn:
        rows = conn.execute(f"SELECT number, kind, sequence_key, serial, status, holder_name, replaces_id, id "
                            f"FROM {TABLE} ORDER BY id DESC LIMIT 5000").fetchall()
        indexes = {row[0] for row in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [TABLE])}
        orphans = conn.execute(f"SELECT count(*) FROM {TABLE} c LEFT JOIN scoring_result r ON r.id = c.result_id "
                               f"WHERE r.id IS NULL").fetchone()[0]
        analysed = conn.execute("SELECT last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL "
                                "FROM pg_stat_user_tables WHERE relname = %s", [TABLE]).fetchone()[0]
    assert len({row[0] for row in rows}) == 5_000
    local = LocalFormat()
    for number, kind, sequence_key, serial, *_rest in rows:
        if kind == "skill_level":
            parsed = skill_level_number_parse(number)
            assert (parsed.sequence_key, parsed.serial) == (sequence_key, serial)
        else:
            assert local.parse(number).serial == serial
    statuses = Counter(row[4] for row in rows)
    assert statuses["replaced"] == 100 and statuses["revoked"] == 25 and statuses["valid"] == 4_875
    by_id = {row[7]: row for row in rows}
    replacements = [row for row in rows if row[6] is not None]
    assert len(replacements) == 100
    for replacement in replacements:  # the replacement is valid, of the same holder, and points at the old one
        old = by_id[replacement[6]]
        assert old[4] == "replaced" and replacement[4] == "valid" and old[5] == replacement[5]
    assert len({row[5] for row in rows}) > 1_000  # many holders' names, repeating as names do
    # The indexes and constraints dropped for the load are all back, and the planner has statistics.
    assert {"certificates_certificate_number_key", "certificate_serial_once",
            "certificates_certificate_replaces_id_key"} <= indexes
    assert orphans == 0 and analysed

    sample = sample_draw(url, 400)
    assert 0 < sample.wrong < 60 and len(sample.pairs) == 400
    assert sample.replaced[2] != sample.replaced[0]

    explained = child_run("verify", "explain", *sample.right, env=env, log_path=var_dir / "explain.log")
    assert plan_uses_index(explained["plan"]), explained["plan"]
    assert "certificates_certificate_number" in explained["plan"]


def test_verify_measures_the_public_api_against_healthz_without_errors():
    bench_databases()  # the server answers before the run starts
    result = kaowu("bench", "verify", "--json", "--duration", "1", "--concurrency", "2", timeout=300,
                   env={"KAOWU_BENCH_CERTIFICATES": "2000", "KAOWU_BENCH_VERIFY_SAMPLE": "1000"})

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout  # progress goes to stderr
    metrics = json.loads(lines[0])["metrics"]
    assert metrics["errors"] == 0 and metrics["wrong_answers"] == 0, result.stderr
    assert metrics["found"] > 0 and metrics["requests"] == metrics["found"] + metrics["not_found"]
    assert metrics["certificates"] >= 2_000 and metrics["index_used"] is True
    assert metrics["rps"] > 0 and metrics["baseline_rps"] > 0 and metrics["ratio"] > 0
    assert not databases_left_by(result.stderr), "the throwaway database was not dropped"
