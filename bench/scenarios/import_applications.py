"""Scenario `import`: a 10,000-row application import, against openpyxl merely parsing the same file.

The parent migrates a throwaway SQLite database (KAOWU_VAR_DIR in a temp dir), builds the demo province
(`kaowu demo`) and runs `python -m bench.scenarios.import_applications --child`, which writes a clean
10,000-row file for the demo's open plan and times (a) openpyxl reading it (read-only, every cell) and
(b) the whole import as the clerk would run it: the check on upload plus the confirmed import.
`ratio` = a / b; `errors` = rows reported as faulty (0 for this clean file) plus rows not imported.
`peak_memory_mb` is the child's maximum resident set size. Target: ratio ≥ 0.5, peak memory < 500 MB.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.scenarios import REPO_DIR, BenchError, Metrics, Options, log, peak_memory_mb
from bench.scenarios.http_baseline import migrate, production_env

ROWS = 10_000


def run(options: Options) -> Metrics:
    with tempfile.TemporaryDirectory(prefix="kaowu-bench-import-") as tmp:
        env = production_env(Path(tmp))
        env.pop("DATABASE_URL", None)  # always its own SQLite: the scenario creates 10,000 candidates
        env["KAOWU_MEDIA_ROOT"] = str(Path(tmp) / "media")
        log("migrating a throwaway database")
        migrate(env, Path(tmp) / "migrate.log")
        log("building the demo province")
        demo = subprocess.run([sys.executable, "-m", "kaowu.cli", "demo"], cwd=REPO_DIR, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
        if demo.returncode != 0:
            raise BenchError(f"kaowu demo failed:\n{demo.stdout[-2000:]}\n{demo.stderr[-2000:]}")
        log(f"importing {ROWS} rows")
        child = subprocess.run([sys.executable, "-m", "bench.scenarios.import_applications", "--child"],
                               cwd=REPO_DIR, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=900)
        if child.returncode != 0:
            raise BenchError(f"import child failed:\n{child.stderr[-3000:]}")
        return json.loads(child.stdout.strip().splitlines()[-1])


def _resident_id(index: int) -> str:
    from stdnum.cn import ric

    born = date(1970, 1, 1) + timedelta(days=index % 12_000)
    first17 = f"510100{born:%Y%m%d}{100 + index // 12_000:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def _write_file(path: Path, labels: list[str]) -> None:
    from openpyxl import Workbook

    from kaowu.registration.imports.services import COLUMNS, SHEET_NAME

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_NAME)
    sheet.append([c.title for c in COLUMNS])
    for i in range(ROWS):
        number = _resident_id(i)
        sheet.append([f"考生{i:05d}", "居民身份证", number, "男" if int(number[16]) % 2 else "女",
                      f"{number[6:10]}-{number[10:12]}-{number[12:14]}", "高中/中专/技校", f"138{i:08d}",
                      f"成都市锦江区东大街{i}号", "610000", "某某公司", labels[i % len(labels)]])
    workbook.save(path)


def child() -> None:

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaowu.settings")
    django.setup()
    from openpyxl import load_workbook

    from kaowu.accounts.models import Role, User
    from kaowu.plans.models import Plan
    from kaowu.registration.imports import services as imports
    from kaowu.registration.models import Application

    plan = Plan.objects.filter(status=Plan.Status.REGISTRATION_OPEN).order_by("pk").first()
    clerk = User.objects.filter(organisation=plan.institution, role=Role.INSTITUTION_CLERK).order_by("pk").first()
    path = Path(os.environ["KAOWU_MEDIA_ROOT"]) / "bench-import.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_file(path, list(imports.item_labels(plan)))

    started = time.perf_counter()
    workbook = load_workbook(path, read_only=True)
    cells = sum(1 for row in workbook.worksheets[0].iter_rows(values_only=True) for _value in row)
    workbook.close()
    parse_seconds = time.perf_counter() - started

    already = Application.objects.filter(plan=plan).count()  # the demo's own applications, if any
    started = time.perf_counter()
    checked = imports.import_validate(plan=plan, path=path)
    report = imports.import_commit(plan=plan, path=path, by=clerk, file_name=path.name)
    import_seconds = time.perf_counter() - started

    imported = Application.objects.filter(plan=plan).count() - already
    peak_kb = peak_memory_mb() * 1024
    print(json.dumps({
        "ratio": round(parse_seconds / import_seconds, 4),
        "rows": checked.total,
        "errors": len(checked.faulty_rows) + (ROWS - imported),
        "seconds": round(import_seconds, 3),
        "openpyxl_parse_seconds": round(parse_seconds, 3),
        "cells": cells,
        "imported": report.new,
        "peak_memory_mb": round(peak_kb / 1024, 1),
    }))


if __name__ == "__main__" and "--child" in sys.argv:
    child()
