"""The `world` fixture of the custody tests (built by factories.custody_world)."""

import pytest

from kaowu.staffing.custody.tests.factories import World, custody_world


@pytest.fixture
def world(institution_clerk, chengdu, chengdu_institution, chengdu_reviewer, supervisor, invigilator) -> World:
    return custody_world(institution_clerk=institution_clerk, chengdu=chengdu, chengdu_institution=chengdu_institution,
                         chengdu_reviewer=chengdu_reviewer, supervisor=supervisor, invigilator=invigilator)
