"""What every scenario shares: its options, what it returns, and where its progress goes.

A scenario is a module here with a `run(options: Options) -> Metrics` function, registered by name in
`bench.runner.SCENARIOS`. Its metrics always include `ratio` (its figure against a baseline measured
in the same run; higher is better, 1.0 = as fast as the baseline) and `errors`.
"""

import json
import subprocess
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


def peak_memory_mb() -> float:
    """This process's peak resident memory in MB. VmHWM, not ru_maxrss: Linux carries ru_maxrss over an
    exec, so a measuring child would report its parent's peak when the parent was bigger."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child_run(scenario: str, *args: str, env: dict[str, str], log_path: Path) -> dict:
    """Run `python -m bench.scenarios.<scenario> --child <args>` under `env` (a scenario measures in a child
    process of its own, with production settings); its stderr goes to `log_path`, its last stdout line is
    the JSON it reports."""
    result = subprocess.run([sys.executable, "-m", f"bench.scenarios.{scenario}", "--child", *args], cwd=REPO_DIR,
                            env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=3_600)
    log_path.write_text(result.stderr)
    if result.returncode != 0:
        raise BenchError(f"{scenario} child ({' '.join(args)}) failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def log(message: str) -> None:
    # stdout is reserved for results (`--json` prints exactly one object), so progress goes to stderr.
    print(f"[bench] {message}", file=sys.stderr, flush=True)
