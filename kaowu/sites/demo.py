"""The sites step of the demo generator (the lead wires it into kaowu.workspace.demo after the catalogue).

Every demo institution gets one site with a theory room, a computer room and a practical room
with stations, a few equipment lines, and — where a special item exists — one facility filing
confirmed by its city center, so plans have a confirmed item to open registration for.
Everything goes through the services, so the demo leaves the same audit trail as real use.
"""

import random

from django.core.files.base import ContentFile

from kaowu.accounts.models import Organisation, Role, User
from kaowu.catalog.models import SpecialItem
from kaowu.catalog.policy import policy_active
from kaowu.sites import services
from kaowu.sites.filings import services as filing_services
from kaowu.sites.models import FacilityFilingAttachment, RoomKind, Site

EQUIPMENT = [
    ("台式计算机", "联想 启天M437", 30),
    ("电子监控摄像头", "海康威视 DS-2CD3T47", 6),
    ("金属探测仪", "GP-3003B1", 2),
    ("打印机", "惠普 LaserJet Pro M404", 1),
    ("身份证阅读器", "华视 CVR-100U", 2),
]


# A 1×1 PNG stands in for the photo of the site (no image library needed to build the demo).
SITE_PHOTO_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _site_photo() -> ContentFile:
    return ContentFile(SITE_PHOTO_PNG, name="site.png")


def demo_sites_build(*, rng: random.Random) -> list[Site]:
    """One site with rooms per demo institution; returns the sites."""
    capacity = min(30, policy_active().theory_room_capacity)
    special_items = list(SpecialItem.objects.filter(is_active=True).order_by("code")[:20])
    reviewers = {
        user.organisation_id: user
        for user in User.objects.filter(role=Role.CITY_REVIEWER).order_by("-username")
    }
    sites = []
    institutions = Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION).order_by("path")
    for institution in institutions:
        admin = (
            User.objects.filter(organisation=institution, role=Role.INSTITUTION_ADMIN, is_active=True)
            .order_by("username").first()
        )
        if admin is None or institution.sites.exists():
            continue
        site = services.site_create(
            institution=institution, by=admin, name=f"{institution.short_name or institution.name}考点",
            address=institution.address or institution.name, region_code=institution.region_code,
            contact_name=admin.full_name, contact_phone=admin.phone or "02800000000",
            safety_officer=admin.full_name, safety_officer_phone=admin.phone,
        )
        for number in range(1, 3):
            services.room_create(site=site, by=admin, name=f"理论考场{number}", kind=RoomKind.THEORY,
                                 capacity=capacity, desks=capacity, area_m2=rng.choice([60, 72, 80]),
                                 floor=f"教学楼{number}楼")
        services.room_create(site=site, by=admin, name="机考考场1", kind=RoomKind.COMPUTER, capacity=capacity,
                             desks=capacity, area_m2=90, floor="实训楼3楼")
        services.room_create(site=site, by=admin, name="实操考场1", kind=RoomKind.PRACTICAL, capacity=20,
                             area_m2=rng.choice([120, 150, 200]), floor="实训楼1楼", station_count=20)
        for name, model, count in rng.sample(EQUIPMENT, 3):
            services.equipment_add(site=site, by=admin, name=name, model=model, count=count)
        reviewer = reviewers.get(institution.parent_id)
        if special_items and reviewer is not None:
            filing = filing_services.facility_filing_create(
                site=site, by=admin, special_item=rng.choice(special_items),
                assessor_opinion="场地、设施设备符合考核规范要求。", station_opinion="同意申报。",
            )
            filing_services.facility_filing_attach(filing=filing, by=admin, kind=FacilityFilingAttachment.Kind.PHOTO,
                                            file=_site_photo(), caption="考场全景")
            filing_services.facility_filing_submit(filing=filing, by=admin)
            filing_services.facility_filing_approve(filing=filing, by=reviewer, reason="经技术核验，符合考点设置条件。")
        sites.append(site)
    return sites
