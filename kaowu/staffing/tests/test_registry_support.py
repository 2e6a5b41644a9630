"""Fixtures of the staff registry tests: a person in each kind of registry, with cards, and candidates.

成都中心 keeps 吴考评 (an assessor with a valid and an expired card); the 成都 first station keeps its
invigilator 冯监考; 绵阳中心 keeps 赵督导 (a supervisor). Tests import the fixtures they use from here.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kaowu.catalog.loader import catalogue_load
from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.core.ids import id_make
from kaowu.registration.models import Candidate
from kaowu.staffing.models import AssessorCard, StaffMember


def staff_id_number(n: int) -> str:
    return id_make("510104", date(1993, 1, 1) + timedelta(days=n), 100 + n % 800)


def candidate_make(n: int, name: str = "") -> Candidate:
    return Candidate.objects.create(
        name=name or f"学员{n:03d}", gender="男", birth_date=date(1998, 1, 1), education="senior",
        id_number=id_make("510104", date(1998, 1, 1) + timedelta(days=n), 200 + n % 700),
        address="成都市锦江区东大街1号", phone="13900000000")


def staff_make(organisation, n: int, name: str, **roles) -> StaffMember:
    """A person written straight to the table: fixtures should not depend on the services under test."""
    return StaffMember.objects.create(organisation=organisation, name=name, id_number=staff_id_number(n),
                                      phone="13800000001", employer_name="成都市第一人民医院", region_code="510104",
                                      **roles)


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
