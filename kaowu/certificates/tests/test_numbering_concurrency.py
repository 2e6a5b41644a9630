"""R-CERT-NO: eight centers' reviewers approving at the same moment, each in its own process, share one
sequence (same evaluation body, level and year) and get unique, gap-free serials. Meant for PostgreSQL (row
locks); on SQLite the same test shows the database-wide write lock serialising them."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from kaowu.certificates.models import Certificate, CertificateSequence
from kaowu.certificates.numbering import skill_level_number_parse
from kaowu.certificates.tests.support import final_release_build

pytestmark = pytest.mark.django_db(transaction=True)

PROCESSES = 8
PER_PLAN = 12
REPO = Path(__file__).resolve().parents[3]


def test_r_cert_no_eight_parallel_approving_processes_share_one_sequence_without_duplicates_or_gaps(
        institution_clerk, chengdu_reviewer):
    releases = [final_release_build(institution_clerk, passed=PER_PLAN, failed=1, name=f"并发批次{n}",
                                    first_serial=n * 50).release for n in range(PROCESSES)]
    database = str(settings.DATABASES["default"]["NAME"])
    connections.close_all()  # SQLite: let the children write
    start = time.time() + 4.0  # after every child has started Django
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kaowu.settings"}
    children = [subprocess.Popen([sys.executable, "-m", "kaowu.certificates.tests.issue_worker", database,
                                  str(release.pk), chengdu_reviewer.username, str(start)],
                                 cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for release in releases]
    outputs = [child.communicate(timeout=180) for child in children]
    assert [child.returncode for child in children] == [0] * PROCESSES, [err[-2000:] for _out, err in outputs]
    printed = [number for out, _err in outputs for number in out.split()]
    assert len(printed) == PROCESSES * PER_PLAN
    serials = sorted(skill_level_number_parse(number).serial for number in printed)
    assert serials == list(range(1, PROCESSES * PER_PLAN + 1))  # unique and no gaps
    assert Certificate.objects.count() == PROCESSES * PER_PLAN
    for release in releases:  # each plan got its own twelve, none of another's candidates
        assert Certificate.objects.filter(plan=release.plan, result__release=release).count() == PER_PLAN
    (sequence,) = CertificateSequence.objects.all()
    assert sequence.last_serial == PROCESSES * PER_PLAN
