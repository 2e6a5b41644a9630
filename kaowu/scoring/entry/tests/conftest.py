"""The entry world every score entry test works in (built by `tests.factories.entry_world_build`)."""

import pytest

from kaowu.scoring.tests.factories import entry_world_build


@pytest.fixture
def ew(settings, tmp_path, institution_clerk, chengdu_reviewer, assessor):
    """The entry world with the `assessor` login bound to a registry member outside the room's group;
    uploads (summary photos, import files) go to a temporary media root."""
    settings.MEDIA_ROOT = tmp_path
    return entry_world_build(institution_clerk, chengdu_reviewer, assessor)
