"""Shared worlds of the arrangement tests: the arranged plan of the documents and the check-in, and the
people from elsewhere who must see none of it."""

import pytest

from conftest import make_user
from kaowu.accounts.models import Role
from kaowu.arrangement.documents.tests.factories import arranged_plan


@pytest.fixture
def world(institution_clerk, candidate):
    """A closed 成都 plan: 3 ticketed candidates (the first is `candidate`) in 第1考场 and 实操室A."""
    return arranged_plan(institution_clerk, people=3, users=[candidate])


@pytest.fixture
def outsiders(chengdu_other_institution, mianyang, mianyang_institution, other_institution_clerk,
              mianyang_reviewer, assessor):
    return {
        "other_institution_clerk": other_institution_clerk,
        "mianyang_reviewer": mianyang_reviewer,
        "other_invigilator": make_user("cd02_invigilator01", Role.INVIGILATOR, chengdu_other_institution),
        "mianyang_supervisor": make_user("my_supervisor01", Role.SUPERVISOR, mianyang),
        "other_candidate": make_user("cd01_candidate002", Role.CANDIDATE, mianyang_institution, "李另"),
        "assessor": assessor,
    }
