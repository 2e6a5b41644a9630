"""The throwaway PostgreSQL databases the benchmark scenarios create (kaowu_bench_<pid>), for the tests that
check a run drops its own. Only the run's own databases count: another suite or a benchmark running beside
this one on the same server (CI runs the SQLite and PostgreSQL suites side by side) creates its own."""

import re

import psycopg

from bench.scenarios.registration_load import PG_URL

CREATED = re.compile(r"created database (kaowu_bench_\d+)")


def bench_databases() -> set[str]:
    with psycopg.connect(PG_URL, dbname="postgres", connect_timeout=10) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'kaowu\\_bench\\_%'").fetchall()
    return {row[0] for row in rows}


def databases_left_by(stderr: str) -> set[str]:
    """The databases a run said it created (its progress log on stderr) that still exist."""
    created = set(CREATED.findall(stderr))
    assert created, "the run did not say which database it created"
    return created & bench_databases()
