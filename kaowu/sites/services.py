"""Sites (考点), rooms (考场), stations (工位) and equipment, with the R-SC21-1, R-SC21-2 and R-CQ-6 checks.

Only the institution's own admin or clerk writes its sites, rooms, equipment, filings and applications
(PermissionRefused otherwise); the wording of that refusal and the editing of a few fields are shared
with the sub-areas filings/ and unified/, which import them from here.

R-CQ-6 refuses a theory or computer room above `theory_room_capacity`, a tiered theory room and a
theory room with fewer desks than candidates (单人单桌); practical rooms are as the item needs.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from kaowu.accounts.models import Organisation, User
from kaowu.accounts.roles import require_institution_staff_of
from kaowu.catalog.models.policy import PolicyProfile
from kaowu.catalog.policy import policy_active
from kaowu.core.errors import RuleViolation
from kaowu.core.services import audit_record, snapshot
from kaowu.sites.audit import SiteAction
from kaowu.sites.models import Equipment, Room, RoomKind, Site, Station

SITE_EDITABLE_FIELDS = frozenset({
    "name", "address", "region_code", "contact_name", "contact_phone", "safety_officer", "safety_officer_phone",
    "is_active",
})
ROOM_EDITABLE_FIELDS = frozenset({"name", "kind", "capacity", "desks", "area_m2", "floor", "is_tiered", "note"})
MAX_STATIONS_PER_CALL = 500

# R-FJ-6 (002 §一(五)): what a site shows when its rooms are ready; listed on the site page.
ROOM_READINESS_ITEMS = (
    "粘贴考点标识，在警戒线外醒目位置张贴《考场规则》《违纪处罚规定》",
    "考核场地安全、整洁、卫生、明亮，设备仪器完好，工卡量具、原材料齐全，备有设备检修工具",
    "设置“非考试物品存放处”，集中存放考生携带的物品",
    "考试区域设警戒线，由专人值守，无关人员不得进入",
    "考场布置固定或移动电子监控",
)




def staff_only(institution: Organisation) -> str:
    """The refusal given to anyone but the institution's own admin or clerk."""
    return f"只有{institution.name}的管理员或经办人可以办理"


def field_changes_apply(instance, changes: dict[str, Any], allowed: frozenset[str]) -> list[str]:
    """Set the `changes` that differ on `instance`; refuse a field outside `allowed`. Returns what changed."""
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(f"不能修改这些字段：{'、'.join(unknown)}")
    changed = []
    for name, value in changes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


# --- sites -----------------------------------------------------------------------------------

@transaction.atomic
def site_create(
    *,
    institution: Organisation,
    by: User,
    name: str,
    address: str,
    region_code: str,
    contact_name: str,
    contact_phone: str,
    safety_officer: str,
    safety_officer_phone: str = "",
) -> Site:
    """Add a 考点 of the institution; a named safety officer is required (R-SC21-1)."""
    require_institution_staff_of(by, institution, staff_only(institution))
    if institution.kind != Organisation.Kind.INSTITUTION:
        raise ValidationError("考点只能属于报名考核机构")
    if not safety_officer.strip():
        raise RuleViolation("R-SC21-1", "考点须指定专职安全人员（安全员）")
    site = Site(
        institution=institution, name=name, address=address, region_code=region_code, contact_name=contact_name,
        contact_phone=contact_phone, safety_officer=safety_officer, safety_officer_phone=safety_officer_phone,
    )
    site.full_clean()
    site.save()
    audit_record(action=SiteAction.SITE_CREATE, actor=by, target=site, after=snapshot(site), organisation=institution)
    return site


@transaction.atomic
def site_update(*, site: Site, by: User, **changes: Any) -> Site:
    require_institution_staff_of(by, site.institution, staff_only(site.institution))
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = snapshot(site, list(changes))
    changed = field_changes_apply(site, changes, SITE_EDITABLE_FIELDS)
    if not changed:
        return site
    if not site.safety_officer.strip():
        raise RuleViolation("R-SC21-1", "考点须指定专职安全人员（安全员）")
    site.full_clean()
    site.save()
    audit_record(action=SiteAction.SITE_UPDATE, actor=by, target=site, organisation=site.institution,
                 before={k: before[k] for k in changed}, after=snapshot(site, changed))
    return site


def site_slot_capacity_check(*, site: Site, candidates: int, staff: int, policy: PolicyProfile | None = None) -> None:
    """R-SC21-2: at one site, in one batch and one time slot, at most N candidates and M persons in all."""
    policy = policy or policy_active()
    cap = policy.site_slot_candidate_cap
    if cap and candidates > cap:
        raise RuleViolation(
            "R-SC21-2",
            f"{site.name}同一批次同一时段安排考生{candidates}人，超过上限{cap}人（政策参数“同一考点同一时段考生上限”）",
        )
    person_cap = policy.site_slot_person_cap
    if person_cap and candidates + staff > person_cap:
        raise RuleViolation(
            "R-SC21-2",
            f"{site.name}同一批次同一时段考生{candidates}人加工作人员{staff}人共{candidates + staff}人，"
            f"超过上限{person_cap}人（政策参数“同一考点同一时段总人数上限”）",
        )


# --- rooms, stations, equipment --------------------------------------------------------------

def room_rules_check(*, kind: str, capacity: int, is_tiered: bool, desks: int = 0,
                     policy: PolicyProfile | None = None) -> None:
    """R-CQ-6: theory rooms at most N candidates, one per desk, no tiered lecture halls."""
    policy = policy or policy_active()
    limit = policy.theory_room_capacity
    if kind in {RoomKind.THEORY, RoomKind.COMPUTER} and capacity > limit:
        raise RuleViolation(
            "R-CQ-6",
            f"{RoomKind(kind).label}每室最多{limit}人（政策参数“理论考场每室人数上限”为{limit}），不能设为{capacity}人",
        )
    if kind == RoomKind.THEORY and is_tiered:
        raise RuleViolation("R-CQ-6", "理论考场不得使用阶梯教室")
    if kind in {RoomKind.THEORY, RoomKind.COMPUTER} and desks and desks < capacity:
        raise RuleViolation(
            "R-CQ-6", f"{RoomKind(kind).label}须单人单桌：桌椅/机位{desks}个，少于容纳考生数{capacity}人",
        )


@transaction.atomic
def room_create(
    *,
    site: Site,
    by: User,
    name: str,
    kind: str,
    capacity: int,
    desks: int = 0,
    area_m2=None,
    floor: str = "",
    is_tiered: bool = False,
    note: str = "",
    station_count: int = 0,
) -> Room:
    """Add a 考场 to a site, with `station_count` numbered 工位 when given."""
    require_institution_staff_of(by, site.institution, staff_only(site.institution))
    room_rules_check(kind=kind, capacity=capacity, is_tiered=is_tiered, desks=desks)
    room = Room(site=site, name=name, kind=kind, capacity=capacity, desks=desks, area_m2=area_m2, floor=floor,
                is_tiered=is_tiered, note=note)
    room.full_clean()
    room.save()
    audit_record(action=SiteAction.ROOM_CREATE, actor=by, target=room, after=snapshot(room),
                 organisation=site.institution)
    if station_count:
        stations_create(room=room, by=by, count=station_count)
    return room


@transaction.atomic
def room_update(*, room: Room, by: User, **changes: Any) -> Room:
    require_institution_staff_of(by, room.site.institution, staff_only(room.site.institution))
    room = Room.objects.select_for_update(of=("self",)).select_related("site__institution").get(pk=room.pk)
    before = snapshot(room, list(changes))
    changed = field_changes_apply(room, changes, ROOM_EDITABLE_FIELDS)
    if not changed:
        return room
    room_rules_check(kind=room.kind, capacity=room.capacity, is_tiered=room.is_tiered, desks=room.desks)
    room.full_clean()
    room.save()
    audit_record(action=SiteAction.ROOM_UPDATE, actor=by, target=room, organisation=room.site.institution,
                 before={k: before[k] for k in changed}, after=snapshot(room, changed))
    return room


@transaction.atomic
def stations_create(*, room: Room, by: User, count: int, equipment: str = "") -> list[Station]:
    """Number `count` new 工位 after the room's last one (candidates draw them, R-FJ-16)."""
    require_institution_staff_of(by, room.site.institution, staff_only(room.site.institution))
    if count < 1 or count > MAX_STATIONS_PER_CALL:
        raise ValidationError(f"工位数应在1至{MAX_STATIONS_PER_CALL}之间")
    room = Room.objects.select_for_update().get(pk=room.pk)
    last = room.stations.aggregate(last=Max("number"))["last"] or 0
    stations = Station.objects.bulk_create(
        [Station(room=room, number=last + i, equipment=equipment) for i in range(1, count + 1)]
    )
    audit_record(action=SiteAction.STATION_CREATE, actor=by, target=room, organisation=room.site.institution,
                 after={"numbers": [last + 1, last + count], "equipment": equipment})
    return stations


@transaction.atomic
def equipment_add(
    *, site: Site, by: User, name: str, count: int, model: str = "", room: Room | None = None
) -> Equipment:
    """A line of the 设施设备申报表: equipment with model and count (R-FJ-2)."""
    require_institution_staff_of(by, site.institution, staff_only(site.institution))
    if room is not None and room.site_id != site.pk:
        raise ValidationError("所选考场不属于该考点")
    line = Equipment(site=site, room=room, name=name, model=model, count=count)
    line.full_clean()
    line.save()
    audit_record(action=SiteAction.EQUIPMENT_ADD, actor=by, target=line, after=snapshot(line),
                 organisation=site.institution)
    return line
