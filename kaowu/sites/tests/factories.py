"""Helpers of the sites tests (fixtures are in kaowu/sites/conftest.py)."""

from datetime import date

from django.core.files.base import ContentFile

from kaowu.sites import services
from kaowu.sites.demo import SITE_PHOTO_PNG as PNG

# A Monday; 2025 is covered by the holiday calendar, so the tests do not depend on the day they run.
MONDAY = date(2025, 3, 3)

__all__ = ["MONDAY", "PNG", "photo", "site_of"]


def site_of(institution, user, name="第一考点", region_code=None):
    return services.site_create(
        institution=institution, by=user, name=name, address="锦江区东大街100号",
        region_code=region_code or institution.region_code, contact_name="陈录", contact_phone="13800138000",
        safety_officer="刘安", safety_officer_phone="13900139000",
    )


def photo(name="site.png") -> ContentFile:
    return ContentFile(PNG, name=name)
