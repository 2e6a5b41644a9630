import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    env = {
        **os.environ,
        "KAOWU_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "KAOWU_ALLOWED_HOSTS": "kaowu.example.cn",
        "KAOWU_VAR_DIR": str(tmp_path),
    }
    deploy_check = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"]
    # Without the province's certificate signing key the checklist says how to make it.
    result = subprocess.run(deploy_check, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "kaowu.W101" in result.stdout + result.stderr
    made = subprocess.run([sys.executable, "manage.py", "certificate_key"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0 and "BEGIN PUBLIC KEY" in made.stdout, made.stderr
    assert (tmp_path / "certificate-signing-key.pem").stat().st_mode & 0o777 == 0o600
    result = subprocess.run(deploy_check, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update(KAOWU_ENV="production", KAOWU_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_default_database_is_sqlite_under_var_unless_database_url_is_set():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "KAOWU_VAR_DIR"}}
    code = "from django.conf import settings as s; d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "kaowu.settings"}, capture_output=True, text=True,
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", str(ROOT / "var" / "kaowu.sqlite3")]
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT, capture_output=True, text=True,
        env={**env, "DJANGO_SETTINGS_MODULE": "kaowu.settings", "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"},
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "x"]


def test_migrate_on_a_fresh_checkout_creates_the_var_folder_and_the_database(tmp_path):
    # A fresh clone has no var/: SQLite cannot create the folder its file lives in.
    var = tmp_path / "not" / "there" / "var"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["KAOWU_VAR_DIR"] = str(var)
    result = subprocess.run([sys.executable, "-m", "kaowu.cli", "migrate", "--noinput"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert (var / "kaowu.sqlite3").stat().st_size > 0
