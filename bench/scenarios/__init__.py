"""What every scenario shares: its options, what it returns, and where its progress goes.

A scenario is a module here with a `run(options: Options) -> Metrics` function, registered by name in
`bench.runner.SCENARIOS`. Its metrics always include `ratio` (its figure against a baseline measured
in the same run; higher is better, 1.0 = as fast as the baseline) and `errors`.
"""

import sys
from dataclasses import dataclass
from pathlib import Path

# The repository root: servers and management commands run from here so `kaowu` and `bench` import.
REPO_DIR = Path(__file__).resolve().parents[2]

Metrics = dict[str, int | float | str]


class BenchError(Exception):
    """A scenario could not be measured (a server did not start, a migration failed, ...)."""


@dataclass(frozen=True)
class Options:
    duration: float = 5.0  # seconds of measurement per phase (baseline and scenario)
    concurrency: int = 4  # client processes; two per core keeps both gunicorn workers busy
    workers: int = 2  # gunicorn sync workers: one per core on the 2-core machines we run on
    max_requests: int = 200_000  # per phase, a second bound so a run ends even with a broken clock


def log(message: str) -> None:
    # stdout is reserved for results (`--json` prints exactly one object), so progress goes to stderr.
    print(f"[bench] {message}", file=sys.stderr, flush=True)
