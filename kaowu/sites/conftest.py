"""Fixtures for the sites tests (the app's and its sub-areas' filings/ and unified/): a 成都 site of the
clerk's institution, a 绵阳 one, catalogue items, filings at each step. Helpers are in tests/factories.py."""

import pytest

from kaowu.accounts.models import Role
from kaowu.accounts.services import user_create
from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.sites import services
from kaowu.sites.filings import services as filing_services
from kaowu.sites.models import FacilityFilingAttachment, RoomKind
from kaowu.sites.tests.factories import MONDAY, photo, site_of


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def chengdu_site(chengdu_institution, institution_clerk):
    return site_of(chengdu_institution, institution_clerk)


@pytest.fixture
def mianyang_clerk(mianyang_institution):
    return user_create(username="my01_clerk", role=Role.INSTITUTION_CLERK, full_name="钱绵",
                       organisation=mianyang_institution)


@pytest.fixture
def mianyang_site(mianyang_institution, mianyang_clerk):
    return site_of(mianyang_institution, mianyang_clerk, name="绵阳考点")


@pytest.fixture
def special_item(db):
    return SpecialItem.objects.create(code="S2024001", name="大数据清洗")


@pytest.fixture
def occupation(db):
    return Occupation.objects.create(code="4-04-05-02", name="计算机程序设计员", levels=[5, 4, 3])


@pytest.fixture
def equipped_site(chengdu_site, institution_clerk):
    """The 成都 site with one room and one equipment line: what a filing needs apart from photos."""
    services.room_create(site=chengdu_site, by=institution_clerk, name="理论考场1", kind=RoomKind.THEORY,
                         capacity=30, desks=30, area_m2=72)
    services.equipment_add(site=chengdu_site, by=institution_clerk, name="台式计算机", model="启天M437", count=30)
    return chengdu_site


@pytest.fixture
def draft_filing(equipped_site, institution_clerk, special_item):
    return filing_services.facility_filing_create(site=equipped_site, by=institution_clerk, special_item=special_item)


@pytest.fixture
def complete_filing(draft_filing, institution_clerk):
    filing_services.facility_filing_attach(filing=draft_filing, by=institution_clerk,
                                    kind=FacilityFilingAttachment.Kind.PHOTO, file=photo(), caption="考场全景")
    return draft_filing


@pytest.fixture
def submitted_filing(complete_filing, institution_clerk):
    return filing_services.facility_filing_submit(filing=complete_filing, by=institution_clerk, today=MONDAY)
