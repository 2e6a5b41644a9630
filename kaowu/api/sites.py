"""考点 API: the sites, rooms and stations an institution's own system may read, and creating a site."""

from ninja import Router, Schema, Status
from ninja.errors import HttpError

from kaowu.api.errors import refusals_as_http
from kaowu.sites import selectors, services

router = Router(tags=["考点与考场"])


class SiteOut(Schema):
    id: int
    institution_id: int
    name: str
    address: str
    region_code: str
    contact_name: str
    safety_officer: str
    is_active: bool


class SiteIn(Schema):
    name: str
    address: str
    region_code: str
    contact_name: str
    contact_phone: str
    safety_officer: str
    safety_officer_phone: str = ""


class RoomOut(Schema):
    id: int
    name: str
    kind: str
    capacity: int
    desks: int
    area_m2: float | None
    floor: str
    is_tiered: bool
    station_count: int


@router.get("/sites", response=list[SiteOut], summary="可见的考点")
def site_list(request):
    return selectors.sites_visible_to(request.auth)


@router.get("/sites/{site_id}", response=SiteOut, summary="考点详情")
def site_detail(request, site_id: int):
    return selectors.site_get_for_user(user=request.auth, site_id=site_id)


@router.get("/sites/{site_id}/rooms", response=list[RoomOut], summary="考点的考场（含工位数）")
def site_rooms(request, site_id: int):
    site = selectors.site_get_for_user(user=request.auth, site_id=site_id)
    return selectors.site_rooms(site=site)


@router.post("/sites", response={201: SiteOut}, summary="新增考点（报名考核机构）")
def site_create(request, payload: SiteIn):
    user = request.auth
    if user.organisation_id is None:
        raise HttpError(403, "只有报名考核机构的管理员或经办人可以新增考点")
    with refusals_as_http():
        site = services.site_create(institution=user.organisation, by=user, **payload.dict())
    return Status(201, site)
