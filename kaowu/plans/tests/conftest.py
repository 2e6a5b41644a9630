"""Fixtures for plan tests: the loaded catalogue and a 成都 site with one theory room."""

import pytest

from kaowu.catalog.loader import catalogue_load
from kaowu.sites.models import Room, RoomKind, Site


@pytest.fixture
def catalogue(db):
    catalogue_load()


@pytest.fixture
def site(chengdu_institution):
    site = Site.objects.create(institution=chengdu_institution, name="一站锦江考点", address="锦江区东大街100号",
                               region_code="510104", contact_name="陈录", contact_phone="02800000000",
                               safety_officer="王安")
    Room.objects.create(site=site, name="第1考场", kind=RoomKind.THEORY, capacity=30, desks=30)
    return site
