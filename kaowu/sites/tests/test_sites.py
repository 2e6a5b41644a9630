"""Sites, rooms, stations and equipment: R-CQ-6, R-SC21-2, R-SC21-1, scope and audit."""

import pytest
from django.core.exceptions import ValidationError

from kaowu.catalog.models import PolicyProfile
from kaowu.catalog.policy import policy_active, policy_presets_load, policy_profile_activate
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.sites import services
from kaowu.sites.models import RoomKind
from kaowu.sites.tests.factories import site_of

pytestmark = pytest.mark.django_db


def theory_room(site, by, capacity=30, **extra):
    return services.room_create(site=site, by=by, name=extra.pop("name", "理论考场1"), kind=extra.pop(
        "kind", RoomKind.THEORY), capacity=capacity, **extra)


def test_r_cq_6_a_theory_room_of_31_is_refused_under_the_national_profile(chengdu_site, institution_clerk):
    assert policy_active().theory_room_capacity == 30
    with pytest.raises(RuleViolation) as refused:
        theory_room(chengdu_site, institution_clerk, capacity=31)
    assert refused.value.rule_id == "R-CQ-6"
    assert "30" in refused.value.message and "理论考场每室人数上限" in refused.value.message
    assert not chengdu_site.rooms.exists()


def test_r_cq_6_a_theory_room_of_31_is_refused_under_the_chongqing_profile(
    chengdu_site, institution_clerk, province_admin
):
    policy_presets_load()
    policy_profile_activate(profile=PolicyProfile.objects.get(preset="chongqing"), by=province_admin)
    limit = policy_active().theory_room_capacity
    assert policy_active().preset == "chongqing"
    with pytest.raises(RuleViolation) as refused:
        theory_room(chengdu_site, institution_clerk, capacity=limit + 1)
    assert refused.value.rule_id == "R-CQ-6" and str(limit) in refused.value.message
    assert theory_room(chengdu_site, institution_clerk, capacity=limit).capacity == limit


def test_r_cq_6_a_computer_room_above_the_theory_capacity_is_refused(chengdu_site, institution_clerk):
    with pytest.raises(RuleViolation, match="R-CQ-6"):
        theory_room(chengdu_site, institution_clerk, capacity=31, kind=RoomKind.COMPUTER)


def test_r_cq_6_a_tiered_theory_room_is_refused(chengdu_site, institution_clerk):
    with pytest.raises(RuleViolation) as refused:
        theory_room(chengdu_site, institution_clerk, capacity=30, is_tiered=True)
    assert refused.value.rule_id == "R-CQ-6" and "阶梯教室" in refused.value.message


def test_r_cq_6_a_theory_room_with_fewer_desks_than_candidates_is_refused(chengdu_site, institution_clerk):
    with pytest.raises(RuleViolation, match="单人单桌"):
        theory_room(chengdu_site, institution_clerk, capacity=30, desks=25)


def test_r_cq_6_a_practical_room_is_sized_as_the_occupation_needs(chengdu_site, institution_clerk):
    room = theory_room(chengdu_site, institution_clerk, capacity=60, kind=RoomKind.PRACTICAL, is_tiered=True,
                       name="实操车间", station_count=12)
    assert room.capacity == 60
    assert list(room.stations.values_list("number", flat=True)) == list(range(1, 13))


def test_r_cq_6_room_update_checks_the_capacity_again(chengdu_site, institution_clerk):
    room = theory_room(chengdu_site, institution_clerk, capacity=30)
    with pytest.raises(RuleViolation, match="R-CQ-6"):
        services.room_update(room=room, by=institution_clerk, capacity=45)
    room.refresh_from_db()
    assert room.capacity == 30
    services.room_update(room=room, by=institution_clerk, capacity=28, floor="2楼")
    room.refresh_from_db()
    assert (room.capacity, room.floor) == (28, "2楼")


def test_new_stations_are_numbered_after_the_last_one(chengdu_site, institution_clerk):
    room = theory_room(chengdu_site, institution_clerk, capacity=20, kind=RoomKind.PRACTICAL, station_count=3)
    services.stations_create(room=room, by=institution_clerk, count=2, equipment="数控车床")
    assert list(room.stations.values_list("number", flat=True)) == [1, 2, 3, 4, 5]


def test_r_sc21_2_more_than_40_candidates_at_one_site_in_one_slot_are_refused(chengdu_site):
    services.site_slot_capacity_check(site=chengdu_site, candidates=40, staff=10)
    with pytest.raises(RuleViolation) as refused:
        services.site_slot_capacity_check(site=chengdu_site, candidates=41, staff=0)
    assert refused.value.rule_id == "R-SC21-2" and "40" in refused.value.message


def test_r_sc21_2_more_than_50_persons_with_the_staff_are_refused(chengdu_site):
    with pytest.raises(RuleViolation) as refused:
        services.site_slot_capacity_check(site=chengdu_site, candidates=40, staff=11)
    assert refused.value.rule_id == "R-SC21-2" and "51" in refused.value.message and "50" in refused.value.message


def test_r_sc21_1_a_site_without_a_safety_officer_is_refused(chengdu_institution, institution_clerk):
    with pytest.raises(RuleViolation, match="R-SC21-1"):
        services.site_create(institution=chengdu_institution, by=institution_clerk, name="无安全员考点",
                             address="某地", region_code="510104", contact_name="陈", contact_phone="1",
                             safety_officer="  ")


def test_other_institution_clerk_cannot_edit_another_institutions_site(chengdu_site, other_institution_clerk):
    with pytest.raises(PermissionRefused):
        services.site_update(site=chengdu_site, by=other_institution_clerk, name="改名")
    with pytest.raises(PermissionRefused):
        theory_room(chengdu_site, other_institution_clerk)
    with pytest.raises(PermissionRefused):
        services.equipment_add(site=chengdu_site, by=other_institution_clerk, name="打印机", count=1)


def test_a_reviewer_cannot_add_a_site_for_an_institution(chengdu_institution, chengdu_reviewer, province_admin):
    for user in (chengdu_reviewer, province_admin):
        with pytest.raises(PermissionRefused):
            site_of(chengdu_institution, user)


def test_site_names_are_unique_within_an_institution(chengdu_site, chengdu_institution, institution_admin):
    with pytest.raises(ValidationError):
        site_of(chengdu_institution, institution_admin)


def test_equipment_of_a_room_of_another_site_is_refused(chengdu_site, chengdu_institution, institution_clerk):
    other = site_of(chengdu_institution, institution_clerk, name="第二考点")
    room = theory_room(other, institution_clerk)
    with pytest.raises(ValidationError):
        services.equipment_add(site=chengdu_site, by=institution_clerk, name="打印机", count=1, room=room)


def test_every_site_write_leaves_an_audit_event(chengdu_institution, institution_clerk):
    site = site_of(chengdu_institution, institution_clerk)
    room = theory_room(site, institution_clerk, capacity=20, kind=RoomKind.PRACTICAL)
    services.stations_create(room=room, by=institution_clerk, count=2)
    services.room_update(room=room, by=institution_clerk, capacity=25)
    services.equipment_add(site=site, by=institution_clerk, name="打印机", count=1)
    services.site_update(site=site, by=institution_clerk, address="锦江区东大街200号")
    actions = list(AuditEvent.objects.filter(actor=institution_clerk).values_list("action", flat=True))
    for action in ["site.create", "room.create", "station.create", "room.update", "equipment.add", "site.update"]:
        assert action in actions
    update = AuditEvent.objects.get(action="site.update")
    assert update.before == {"address": "锦江区东大街100号"} and update.after == {"address": "锦江区东大街200号"}
    assert update.organisation == chengdu_institution


def test_an_update_that_changes_nothing_writes_no_audit_event(chengdu_site, institution_clerk):
    services.site_update(site=chengdu_site, by=institution_clerk, name=chengdu_site.name)
    assert not AuditEvent.objects.filter(action="site.update").exists()
