"""The scenario registry and the runner behind `kaowu bench` and `make bench`.

To add a scenario: write bench/scenarios/NAME.py with `run(options: Options) -> Metrics` and add one
line to SCENARIOS below.
"""

import importlib.metadata
import os
import platform
import subprocess
import traceback
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from bench.scenarios import (
    REPO_DIR,
    Metrics,
    Options,
    arrange,
    certificates_pdf,
    dispatch,
    eligibility,
    http_baseline,
    import_applications,
    log,
    registration_load,
    score_entry,
    tickets_pdf,
    verify,
)

Scenario = Callable[[Options], Metrics]

# Run in this order by `kaowu bench all`.
SCENARIOS: dict[str, Scenario] = {
    "http_baseline": http_baseline.run,
    "eligibility": eligibility.run,
    "registration_load": registration_load.run,
    "import": import_applications.run,
    "arrange": arrange.run,
    "tickets_pdf": tickets_pdf.run,
    "certificates_pdf": certificates_pdf.run,
    "dispatch": dispatch.run,
    "score_entry": score_entry.run,
    "verify": verify.run,
}

ALL = "all"


class UnknownScenarioError(LookupError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"unknown scenario {name!r}; known scenarios: {', '.join(known_names())}")


def known_names() -> list[str]:
    return [*SCENARIOS, ALL]


def run_scenario(name: str, options: Options) -> dict[str, Any]:
    """One scenario's result: {"name": ..., "metrics": {...}}."""
    if name not in SCENARIOS:
        raise UnknownScenarioError(name)
    log(f"running {name}")
    metrics = SCENARIOS[name](options)
    missing = {"ratio", "errors"} - metrics.keys()
    if missing:
        # The contract every consumer of results.json relies on; catch a new scenario forgetting it.
        raise ValueError(f"scenario {name} returned no {', '.join(sorted(missing))}")
    return {"name": name, "metrics": metrics}


def run_all(options: Options) -> dict[str, Any]:
    """Every scenario plus the machine it ran on. A failing scenario is recorded and the rest still run."""
    report: dict[str, Any] = {"machine": machine_info(), "options": asdict(options), "results": []}
    for name in SCENARIOS:
        try:
            report["results"].append(run_scenario(name, options))
        except Exception as exc:  # noqa: BLE001 - one broken scenario should not lose the others' figures
            log(f"{name} failed:\n{traceback.format_exc()}")
            report["results"].append({"name": name, "error": f"{type(exc).__name__}: {exc}"})
    return report


def failed(report: dict[str, Any]) -> list[str]:
    return [result["name"] for result in report["results"] if "error" in result]


def machine_info() -> dict[str, Any]:
    # Shared machines are noisy: the load average and CPU count tell a reader how far to trust a run.
    try:
        affinity: int | None = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": affinity,
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "django": importlib.metadata.version("django"),
        "gunicorn": importlib.metadata.version("gunicorn"),
        "git_commit": _git_commit(),
    }


def _git_commit() -> str | None:
    # Read-only (rev-parse touches neither the index nor the work tree); absent outside a checkout.
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None
