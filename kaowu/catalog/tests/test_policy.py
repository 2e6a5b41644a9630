"""Policy profiles (DESIGN.md §4): the presets carry the seeds' values, national is the strictest,
one profile is active, and every change is made by a province admin and audited."""

import json
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kaowu.catalog.models import PolicyProfile
from kaowu.catalog.models.policy import NO_DIRECTION, PARAMETER_FIELDS, PARAMETER_GROUPS, STRICTER, PolicyPreset
from kaowu.catalog.policy import (
    PRESETS_FILE,
    policy_active,
    policy_preset_values,
    policy_presets_load,
    policy_profile_activate,
    policy_profile_update,
)
from kaowu.core.errors import PermissionRefused
from kaowu.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PROVINCES = [PolicyPreset.SICHUAN, PolicyPreset.FUJIAN, PolicyPreset.LIAONING, PolicyPreset.CHONGQING]
NOT_PARAMETERS = {"id", "created_at", "updated_at", "name", "preset", "description", "is_active"}


@pytest.fixture
def presets(db) -> dict[str, PolicyProfile]:
    return {profile.preset: profile for profile in policy_presets_load()}


def change_form_data(profile: PolicyProfile, **overrides) -> dict:
    """The admin change form as the browser would post it (an unchecked box is simply absent)."""
    values = {"name": profile.name, "description": profile.description}
    values.update({name: getattr(profile, name) for name in PARAMETER_FIELDS})
    values.update(overrides)
    data = {"_save": "保存"}
    for name, value in values.items():
        if value is True:
            data[name] = "on"
        elif value is not False:
            data[name] = str(value)
    return data


# --- presets ---------------------------------------------------------------------------------

def test_presets_load_creates_the_five_presets_and_a_second_load_adds_nothing(db):
    first = policy_presets_load()
    assert [p.preset for p in first] == ["national", "sichuan", "fujian", "liaoning", "chongqing"]
    created = AuditEvent.objects.filter(action="policy_profile.create").count()
    second = policy_presets_load()
    assert PolicyProfile.objects.count() == 5
    assert [p.pk for p in second] == [p.pk for p in first]
    assert AuditEvent.objects.filter(action="policy_profile.create").count() == created == 5


def test_presets_load_does_not_overwrite_a_province_admins_edit(presets, province_admin):
    policy_profile_update(profile=presets["sichuan"], by=province_admin, changes={"site_slot_candidate_cap": 36})
    policy_presets_load(by=province_admin)
    assert PolicyProfile.objects.get(preset="sichuan").site_slot_candidate_cap == 36


def test_presets_load_recreates_only_a_missing_preset(presets):
    presets["liaoning"].delete()
    policy_presets_load()
    assert PolicyProfile.objects.count() == 5
    assert PolicyProfile.objects.get(preset="fujian").pk == presets["fujian"].pk


def test_a_city_reviewer_cannot_load_the_presets(chengdu_reviewer):
    with pytest.raises(PermissionRefused):
        policy_presets_load(by=chengdu_reviewer)
    assert not PolicyProfile.objects.exists()


def test_every_preset_gives_every_parameter_a_value_and_a_source_naming_a_rule():
    document = json.loads(PRESETS_FILE.read_text(encoding="utf-8"))["presets"]
    assert set(document) == set(PolicyPreset.values)
    for key, preset in document.items():
        assert preset["name"] and preset["description"]
        assert list(preset["values"]) == PARAMETER_FIELDS, key
        for name, entry in preset["values"].items():
            assert entry["value"] is not None, (key, name)
            assert "R-" in entry["source"], (key, name, entry["source"])


def test_where_a_province_is_silent_it_takes_the_national_value_and_says_so():
    document = json.loads(PRESETS_FILE.read_text(encoding="utf-8"))["presets"]
    national = document["national"]["values"]
    silent = 0
    for key in PROVINCES:
        for name, entry in document[key]["values"].items():
            if entry["source"].startswith("全国默认"):
                silent += 1
                assert entry["value"] == national[name]["value"], (key, name)
    # 辽宁's notice is about an online unified exam and states little else (R-LN-2).
    liaoning = document["liaoning"]["values"]
    assert liaoning["theory_room_capacity"]["source"].startswith("全国默认（辽宁文件未规定）")
    assert silent > 0


def test_the_model_defaults_are_the_national_values():
    """A parameter added later reaches existing profiles through its default, so it must be the national one."""
    national = policy_preset_values(key="national")
    for name in PARAMETER_FIELDS:
        assert PolicyProfile._meta.get_field(name).default == national[name], name


@pytest.mark.parametrize(("preset", "values"), [
    pytest.param("chongqing", {"theory_room_capacity": 30, "min_candidate_spacing_m": Decimal("0.80")}, id="R-CQ-6"),
    pytest.param("sichuan", {"site_slot_candidate_cap": 40, "site_slot_person_cap": 50,
                             "min_candidate_spacing_m": Decimal("1.00")}, id="R-SC21-2"),
    pytest.param("sichuan", {"min_assessors_per_practical_room": 3}, id="R-SC21-3"),
    pytest.param("sichuan", {"health_check_required": True, "health_temperature_limit_c": Decimal("37.0"),
                             "entry_minutes_before": 30, "assessor_arrival_minutes_before": 60}, id="R-SC21-7"),
    pytest.param("sichuan", {"daily_exams_per_month": 2, "unified_exams_per_month": 1}, id="R-SC24-1"),
    pytest.param("sichuan", {"exam_completion_days": 7}, id="R-SC24-13"),
    pytest.param("sichuan", {"archive_report_interval_days": 15}, id="R-SC24-9-half-month"),
    pytest.param("sichuan", {"retention_paper_materials_years": 3, "retention_process_video_years": 5},
                 id="R-SC24-10"),
    pytest.param("sichuan", {"facility_first_time_confirmation_required": True}, id="R-SC24-6"),
    pytest.param("fujian", {"facility_filing_workdays": 10, "facility_first_time_confirmation_required": True},
                 id="R-FJ-2"),
    pytest.param("fujian", {"photo_width_px": 90, "photo_height_px": 110, "photo_max_kb": 20}, id="R-FJ-4"),
    pytest.param("fujian", {"room_setup_days_before": 1}, id="R-FJ-6"),
    pytest.param("fujian", {"invigilators_per_room": 2}, id="R-FJ-7"),
    pytest.param("fujian", {"paper_collection_days_before": 1}, id="R-FJ-9"),
    pytest.param("fujian", {"score_report_workdays": 3, "score_confirmation_workdays": 3}, id="R-FJ-10"),
    pytest.param("fujian", {"recheck_window_days": 10}, id="R-FJ-11"),
    pytest.param("fujian", {"grade_excellent_min": 90, "grade_good_min": 80, "grade_pass_min": 60}, id="R-FJ-12"),
    pytest.param("fujian", {"retention_candidate_materials_years": 2, "retention_surveillance_months": 6},
                 id="R-FJ-13"),
    pytest.param("fujian", {"station_suspension_min_months": 3, "station_suspension_max_months": 6}, id="R-FJ-14"),
    pytest.param("fujian", {"certificate_replacement_fee": Decimal("10.00"), "certificate_replacement_workdays": 15},
                 id="R-FJ-15"),
    pytest.param("fujian", {"entry_minutes_before": 30, "gather_minutes_before": 15, "no_leave_minutes": 30},
                 id="R-FJ-16"),
    pytest.param("fujian", {"assessor_arrival_minutes_before": 30}, id="R-FJ-19"),
    pytest.param("fujian", {"supervision_report_workdays": 1, "min_candidate_spacing_m": Decimal("0.80")},
                 id="R-FJ-20"),
    pytest.param("liaoning", {"online_candidates_per_proctor": 50}, id="R-LN-2"),
    pytest.param("chongqing", {"plan_filing_workdays": 10}, id="R-CQ-1"),
    pytest.param("chongqing", {"announcement_lead_months": 2}, id="R-CQ-2"),
    pytest.param("chongqing", {"retention_papers_years": 3}, id="R-CQ-9b"),
    pytest.param("chongqing", {"score_entry_double_signature_required": True}, id="R-CQ-11"),
    pytest.param("chongqing", {"appeal_window_months": 1, "result_publication_workdays": 10,
                               "publication_min_workdays": 5}, id="R-CQ-12"),
    pytest.param("chongqing", {"retake_validity_years": 1, "retakes_allowed": 1}, id="R-CQ-13"),
])
def test_each_preset_carries_the_values_its_seed_states(presets, preset, values):
    profile = PolicyProfile.objects.get(pk=presets[preset].pk)
    for name, expected in values.items():
        assert getattr(profile, name) == expected, name


def test_r_fj_13_fujian_keeps_fewer_years_than_the_national_three():
    """R-FJ-13 (2 years) against R-SC24-10 / R-CQ-9b (3 years): national takes the longer."""
    assert policy_preset_values(key="fujian")["retention_papers_years"] == 2
    assert policy_preset_values(key="national")["retention_papers_years"] == 3
    assert policy_preset_values(key="national")["retention_candidate_materials_years"] == 3


def test_national_is_at_least_as_strict_as_every_province_where_strictness_has_a_direction():
    national = policy_preset_values(key="national")
    for key in PROVINCES:
        province = policy_preset_values(key=key)
        for name, direction in STRICTER.items():
            if direction == "higher":
                assert national[name] >= province[name], (key, name)
            else:
                assert national[name] <= province[name], (key, name)


def test_every_parameter_is_in_one_admin_area_and_has_a_strictness_direction_or_none():
    model_parameters = {f.name for f in PolicyProfile._meta.concrete_fields} - NOT_PARAMETERS
    grouped = [name for _, names in PARAMETER_GROUPS for name in names]
    assert sorted(grouped) == sorted(model_parameters) == sorted(set(grouped))
    assert set(STRICTER) | NO_DIRECTION == model_parameters
    assert not set(STRICTER) & NO_DIRECTION
    assert set(STRICTER.values()) == {"higher", "lower"}


def test_every_parameter_has_a_chinese_label_and_help_text_naming_its_rule():
    for name in PARAMETER_FIELDS:
        field = PolicyProfile._meta.get_field(name)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(field.verbose_name)), name
        assert "R-" in str(field.help_text), name


# --- the active profile ----------------------------------------------------------------------

def test_policy_active_falls_back_to_the_national_preset_when_none_is_active(db):
    profile = policy_active()
    assert profile.preset == "national" and profile.is_active
    assert policy_active().pk == profile.pk
    assert PolicyProfile.objects.filter(is_active=True).count() == 1
    event = AuditEvent.objects.get(action="policy_profile.activate")
    assert event.actor is None and event.after["active_preset"] == "national"


def test_policy_active_returns_the_profile_a_province_admin_activated(presets, province_admin):
    policy_profile_activate(profile=presets["chongqing"], by=province_admin)
    assert policy_active().preset == "chongqing"
    assert policy_active().theory_room_capacity == 30  # R-CQ-6


def test_activate_leaves_exactly_one_profile_active_and_is_audited(presets, province_admin):
    policy_profile_activate(profile=presets["sichuan"], by=province_admin)
    policy_profile_activate(profile=presets["fujian"], by=province_admin)
    assert list(PolicyProfile.objects.filter(is_active=True).values_list("preset", flat=True)) == ["fujian"]
    event = AuditEvent.objects.filter(action="policy_profile.activate").first()
    assert event.actor == province_admin
    assert event.object_id == str(presets["fujian"].pk)
    assert event.before == {"is_active": False, "active_preset": "sichuan"}
    assert event.after == {"is_active": True, "active_preset": "fujian"}


def test_activating_the_active_profile_again_changes_nothing(presets, province_admin):
    policy_profile_activate(profile=presets["sichuan"], by=province_admin)
    policy_profile_activate(profile=presets["sichuan"], by=province_admin)
    assert AuditEvent.objects.filter(action="policy_profile.activate").count() == 1


def test_the_database_refuses_a_second_active_profile(presets):
    PolicyProfile.objects.filter(pk=presets["sichuan"].pk).update(is_active=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyProfile.objects.filter(pk=presets["fujian"].pk).update(is_active=True)


# --- updates ---------------------------------------------------------------------------------

def test_update_writes_one_audit_event_with_before_and_after_of_the_changed_fields_only(presets, province_admin):
    profile = presets["chongqing"]
    updated = policy_profile_update(profile=profile, by=province_admin, changes={
        "theory_room_capacity": 25, "min_candidate_spacing_m": "0.9", "appeal_window_months": 1,
        "health_check_required": True,
    })
    assert updated.theory_room_capacity == 25 and updated.min_candidate_spacing_m == Decimal("0.90")
    events = AuditEvent.objects.filter(action="policy_profile.update")
    assert events.count() == 1
    event = events.get()
    assert event.actor == province_admin and event.object_id == str(profile.pk)
    # appeal_window_months was already 1 (R-CQ-12), so it is not in the event.
    assert event.before == {"theory_room_capacity": 30, "min_candidate_spacing_m": "0.80",
                            "health_check_required": False}
    assert event.after == {"theory_room_capacity": 25, "min_candidate_spacing_m": "0.90",
                           "health_check_required": True}


def test_an_update_that_changes_nothing_writes_no_event(presets, province_admin):
    policy_profile_update(profile=presets["fujian"], by=province_admin, changes={"recheck_window_days": 10})
    assert not AuditEvent.objects.filter(action="policy_profile.update").exists()


@pytest.mark.parametrize(("changes", "field"), [
    pytest.param({"grade_good_min": 95}, "grade_good_min", id="R-FJ-12-bands-out-of-order"),
    pytest.param({"site_slot_person_cap": 30}, "site_slot_person_cap", id="R-SC21-2-persons-below-candidates"),
    pytest.param({"station_suspension_min_months": 9}, "station_suspension_max_months", id="R-FJ-14-min-above-max"),
    pytest.param({"theory_room_capacity": 0}, "theory_room_capacity", id="R-CQ-6-zero-capacity"),
])
def test_an_inconsistent_update_is_refused_and_nothing_is_written(presets, province_admin, changes, field):
    with pytest.raises(ValidationError) as refused:
        policy_profile_update(profile=presets["sichuan"], by=province_admin, changes=changes)
    assert field in refused.value.message_dict
    assert PolicyProfile.objects.get(pk=presets["sichuan"].pk).site_slot_person_cap == 50
    assert not AuditEvent.objects.filter(action="policy_profile.update").exists()


@pytest.mark.parametrize("field", ["is_active", "preset", "created_at"])
def test_update_cannot_change_activation_preset_or_timestamps(presets, province_admin, field):
    with pytest.raises(ValidationError):
        policy_profile_update(profile=presets["sichuan"], by=province_admin, changes={field: True})


@pytest.mark.parametrize("who", ["chengdu_reviewer", "institution_clerk"])
def test_a_city_reviewer_or_institution_clerk_cannot_update_or_activate_a_profile(request, presets, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionRefused):
        policy_profile_update(profile=presets["sichuan"], by=user, changes={"site_slot_candidate_cap": 45})
    with pytest.raises(PermissionRefused):
        policy_profile_activate(profile=presets["sichuan"], by=user)
    assert PolicyProfile.objects.get(pk=presets["sichuan"].pk).site_slot_candidate_cap == 40
    assert not PolicyProfile.objects.filter(is_active=True).exists()
    assert not AuditEvent.objects.filter(action__startswith="policy_profile.u").exists()


# --- admin -----------------------------------------------------------------------------------

def test_province_admin_edit_in_the_admin_is_saved_through_the_service_and_audited(presets, login, province_admin):
    """R-FJ-11: a province admin lengthens the recheck window in the admin; the edit is audited."""
    profile = presets["fujian"]
    url = f"/admin/catalog/policyprofile/{profile.pk}/change/"
    client = login(province_admin)
    page = client.get(url)
    assert page.status_code == 200
    assert "成绩复查申请期限（日）" in page.content.decode() and "R-FJ-11" in page.content.decode()
    response = client.post(url, change_form_data(profile, recheck_window_days=15, health_check_required=True))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PolicyProfile.objects.get(pk=profile.pk).recheck_window_days == 15
    event = AuditEvent.objects.get(action="policy_profile.update")
    assert event.actor == province_admin
    assert event.before == {"recheck_window_days": 10, "health_check_required": False}
    assert event.after == {"recheck_window_days": 15, "health_check_required": True}


def test_an_invalid_admin_edit_is_shown_back_and_not_saved(presets, login, province_admin):
    profile = presets["fujian"]
    response = login(province_admin).post(
        f"/admin/catalog/policyprofile/{profile.pk}/change/", change_form_data(profile, grade_good_min=95),
    )
    assert response.status_code == 200
    assert "成绩等次应满足 优秀 &gt; 良好 &gt; 合格（R-FJ-12）" in response.content.decode()
    assert not AuditEvent.objects.filter(action="policy_profile.update").exists()


def test_province_admin_activates_a_profile_with_the_admin_action(presets, login, province_admin):
    response = login(province_admin).post("/admin/catalog/policyprofile/", {
        "action": "activate_profile", ACTION_CHECKBOX_NAME: [presets["liaoning"].pk], "index": 0,
    })
    assert response.status_code == 302
    assert policy_active().preset == "liaoning"
    assert AuditEvent.objects.get(action="policy_profile.activate").actor == province_admin


def test_institution_clerk_is_refused_the_policy_admin(presets, login, institution_clerk):
    profile = presets["fujian"]
    client = login(institution_clerk)
    url = f"/admin/catalog/policyprofile/{profile.pk}/change/"
    assert client.get(url).status_code in (302, 403)
    response = client.post(url, change_form_data(profile, recheck_window_days=1))
    assert response.status_code in (302, 403)
    assert PolicyProfile.objects.get(pk=profile.pk).recheck_window_days == 10
    assert not AuditEvent.objects.filter(action__startswith="policy_profile.u").exists()


def test_a_staff_account_that_is_not_a_province_admin_is_refused_the_policy_admin(presets, login, chengdu_reviewer):
    chengdu_reviewer.is_staff = True
    chengdu_reviewer.save(update_fields=["is_staff"])
    client = login(chengdu_reviewer)
    assert client.get("/admin/catalog/policyprofile/").status_code == 403
    assert client.get(f"/admin/catalog/policyprofile/{presets['sichuan'].pk}/change/").status_code == 403
