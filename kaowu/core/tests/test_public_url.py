"""The public address (KAOWU_PUBLIC_URL): what `make run` passes, and the deploy check on a loopback address."""

import subprocess
from pathlib import Path

import pytest
from django.core.checks import run_checks

from kaowu.core.checks import is_loopback_url

ROOT = Path(__file__).resolve().parents[3]


def _warnings(settings, url: str, *, debug: bool) -> list[str]:
    settings.KAOWU_PUBLIC_URL = url
    settings.DEBUG = debug
    return [message.id for message in run_checks(include_deployment_checks=True)]


def test_the_deploy_check_warns_when_the_public_address_is_loopback_in_production(settings):
    assert "kaowu.W001" in _warnings(settings, "http://127.0.0.1:8000", debug=False)
    assert "kaowu.W001" in _warnings(settings, "http://localhost", debug=False)
    assert "kaowu.W001" not in _warnings(settings, "https://kaowu.example.cn", debug=False)
    assert "kaowu.W001" not in _warnings(settings, "http://127.0.0.1:8000", debug=True)  # development


@pytest.mark.parametrize(("url", "loopback"), [
    ("http://127.0.0.1:8000", True), ("http://127.1.2.3", True), ("http://[::1]:8000", True),
    ("http://0.0.0.0:8000", True), ("http://LOCALHOST.", True), ("http://app.localhost", True),
    ("http://192.168.1.20:8080", False), ("https://kaowu.example.cn", False), ("https://localhost.example.cn", False),
])
def test_loopback_addresses_are_told_apart(url, loopback):
    assert is_loopback_url(url) is loopback


def test_make_run_passes_the_address_it_serves_as_the_public_address():
    result = subprocess.run(["make", "-n", "run", "ADDR=192.168.1.20:8080"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert 'export KAOWU_PUBLIC_URL="http://192.168.1.20:8080"' in result.stdout
    given = subprocess.run(["make", "-n", "run", "ADDR=0.0.0.0:8080", "KAOWU_PUBLIC_URL=https://ks.example.cn"],
                           cwd=ROOT, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert 'export KAOWU_PUBLIC_URL="https://ks.example.cn"' in given.stdout
