"""Fixtures of the staff registry tests: a person in each kind of registry, with cards, and candidates.

成都中心 keeps 吴考评 (an assessor with a valid and an expired card); the 成都 first station keeps its
invigilator 冯监考; 绵阳中心 keeps 赵督导 (a supervisor). The builders they use are in factories.py.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from kaowu.catalog.loader import catalogue_load
from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.staffing.models import AssessorCard
from kaowu.staffing.registry.tests.factories import candidate_make, staff_make


@pytest.fixture
def catalogue(db):
    catalogue_load()


@pytest.fixture
def infant(catalogue):
    return Occupation.objects.get(name="育婴员")


@pytest.fixture
def special(catalogue):
    return SpecialItem.objects.get(name="大数据清洗")


@pytest.fixture
def center_assessor(chengdu, infant):
    staff = staff_make(chengdu, 1, "吴考评", is_assessor=True)
    today = timezone.localdate()
    AssessorCard.objects.create(staff=staff, occupation=infant, level=3, number="KP-VALID-001",
                                valid_until=today + timedelta(days=365))
    AssessorCard.objects.create(staff=staff, occupation=infant, level=4, number="KP-OLD-002",
                                valid_until=today - timedelta(days=1))
    return staff


@pytest.fixture
def station_invigilator(chengdu_institution):
    return staff_make(chengdu_institution, 2, "冯监考", is_invigilator=True)


@pytest.fixture
def mianyang_supervisor(mianyang):
    return staff_make(mianyang, 3, "赵督导", is_supervisor=True)


@pytest.fixture
def candidates(db):
    return [candidate_make(n) for n in range(3)]
