"""R-LN-7 through the CLI and the API: same input, same verdict, Chinese errors, no verdict on error."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kaowu.accounts.services import api_token_create

KAOWU = shutil.which("kaowu", path=str(Path(sys.executable).parent))
EXAMPLE = {
    "as_of": "2020-09-10",
    "work": [{"occupation": "企业人力资源管理师", "start": "2012-03-01", "end": None}],
    "certificates": [{"occupation": "企业人力资源管理师", "level": 4, "issued_on": "2014-06-01", "kind": "技能等级"}],
    "education": [{"school": "大学本科", "major": "人力资源管理", "status": "毕业", "graduated_on": "2011-07-01"}],
    "apprenticeship_completed": False,
}


def run(tmp_path, *args, profile=EXAMPLE):
    path = tmp_path / "profile.json"
    path.write_text(profile if isinstance(profile, str) else json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    return subprocess.run([KAOWU, "eligibility", *args, "--profile", str(path)], capture_output=True, text=True,
                          timeout=60)


def test_r_ln_7_cli_prints_the_verdict_as_json(tmp_path):
    result = run(tmp_path, "--occupation", "企业人力资源管理师", "--level", "3", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"eligible", "matched", "conditions", "warnings"}
    assert data["eligible"] is True and data["matched"].startswith("三级 条件(1)")
    assert {c["id"] for c in data["conditions"]} == {"L3-1", "L3-2a", "L3-2b", "L3-3", "L3-4", "L3-5"}
    assert all(set(c) == {"id", "label", "summary", "met", "missing"} for c in data["conditions"])
    assert {c["label"] for c in data["conditions"]} >= {"三级 条件(1)", "三级 条件(2)第一种情形"}


def test_r_ln_7_cli_accepts_the_occupation_code_and_explains_in_chinese(tmp_path):
    result = run(tmp_path, "--occupation", "4-07-03-02", "--level", "2")
    assert result.returncode == 0
    assert "不符合申报条件" in result.stdout and "等级不够" in result.stdout


@pytest.mark.parametrize("args, profile, message", [
    (["--occupation", "厨师", "--level", "3"], EXAMPLE, "没有职业“厨师”的申报条件"),
    (["--occupation", "育婴员", "--level", "1"], EXAMPLE, "育婴员没有一级/高级技师的申报条件"),
    (["--occupation", "育婴员", "--level", "7"], EXAMPLE, "等级“7”无效"),
    (["--occupation", "育婴员", "--level", "3"], "{not json", "不是有效的 JSON"),
    (["--occupation", "育婴员", "--level", "3"], {**EXAMPLE, "as_of": "2020-02-30"}, "as_of：日期“2020-02-30”无效"),
    (["--occupation", "育婴员", "--level", "3"],
     {**EXAMPLE, "education": [{"school": "大学", "major": "x", "status": "毕业", "graduated_on": "2010-01-01"}]},
     "education[0].school：学校类别“大学”无效"),
])
def test_cli_refuses_bad_input_with_a_chinese_message_and_no_verdict(tmp_path, args, profile, message):
    result = run(tmp_path, *args, "--json", profile=profile)
    assert result.returncode != 0
    assert result.stdout.strip() == ""
    assert message in result.stderr


@pytest.mark.django_db
def test_r_ln_7_api_gives_the_same_verdict_as_the_engine(client, institution_clerk):
    _token, key = api_token_create(user=institution_clerk, name="测试")
    response = client.post(
        "/api/v1/eligibility/check", {"occupation": "企业人力资源管理师", "level": 3, "profile": EXAMPLE},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["eligible"] is True and data["matched"] == "三级 条件(1): 四级证书 + 证后5年"
    assert next(c for c in data["conditions"] if c["id"] == "L3-1")["label"] == "三级 条件(1)"
    assert data["warnings"] == []


@pytest.mark.django_db
def test_api_names_an_occupation_the_catalogue_does_not_know(client, institution_clerk):
    _token, key = api_token_create(user=institution_clerk, name="测试")
    profile = {"as_of": "2026-12-01", "work": [{"occupation": "人力资源管理", "start": "2010-01-01", "end": None}]}
    response = client.post(
        "/api/v1/eligibility/check", {"occupation": "企业人力资源管理师", "level": 4, "profile": profile},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    assert response.json()["warnings"] == ["“人力资源管理”不是目录中的职业（工种）名称，该段工作年限未计入"]


@pytest.mark.django_db
def test_api_refuses_a_malformed_profile_with_422_and_a_chinese_message(client, institution_clerk):
    _token, key = api_token_create(user=institution_clerk, name="测试")
    response = client.post(
        "/api/v1/eligibility/check", {"occupation": "育婴员", "level": 5, "profile": {"as_of": "昨天"}},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 422
    assert "as_of" in response.json()["detail"]


@pytest.mark.django_db
def test_api_eligibility_needs_a_token(client):
    response = client.post("/api/v1/eligibility/check", {"occupation": "育婴员", "level": 5, "profile": {}},
                           content_type="application/json")
    assert response.status_code == 401
