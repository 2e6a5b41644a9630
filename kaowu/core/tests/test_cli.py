"""The `kaowu` console script, run as a user runs it."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

KAOWU = shutil.which("kaowu", path=str(Path(sys.executable).parent))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KAOWU, *args], capture_output=True, text=True, timeout=60)


def test_workdays_add_prints_the_date():
    result = run("workdays", "add", "2024-09-27", "3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2024-10-08"


def test_workdays_between_prints_the_count():
    result = run("workdays", "between", "2024-09-27", "2024-10-08")
    assert result.stdout.strip() == "3"


def test_workdays_with_a_bad_date_explains_the_format():
    result = run("workdays", "add", "2024/09/27", "3")
    assert result.returncode != 0
    assert "YYYY-MM-DD" in result.stderr


def test_id_check_json_reports_valid_number():
    result = run("id-check", "11010519491231002X", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "valid": True, "birth_date": "1949-12-31", "gender": "女", "region": "110105", "error": None,
    }


def test_id_check_of_invalid_number_exits_1_with_chinese_error():
    result = run("id-check", "110105194912310021", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False and "校验位" in data["error"]
