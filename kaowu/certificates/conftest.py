"""The certificates' shared world for every sub-area's tests: media in a temporary folder, a 成都 plan with
final results (`final`) and its certificates issued by the 成都 center (`issued`)."""

import pytest

from kaowu.certificates.tests.support import final_release_build, issue


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def final(institution_clerk):
    """Three passed results and one failed, the candidates photographed (the certificates' PDFs draw them)."""
    return final_release_build(institution_clerk, passed=3, failed=1, photos=True)


@pytest.fixture
def issued(final, chengdu_reviewer):
    return issue(final, chengdu_reviewer)
