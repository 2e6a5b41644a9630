"""Services of the staff registry: who may register whom, the checks, the cards, the audit trail."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.staffing.models import AssessorCard, StaffAvailability, StaffMember, StaffRelation
from kaowu.staffing.registry import services
from kaowu.staffing.registry.tests.factories import staff_id_number

pytestmark = pytest.mark.django_db


def person(n: int = 50, **extra) -> dict:
    data = {"name": "钱考务", "id_number": staff_id_number(n), "region_code": "510104", "roles": ["assessor"],
            "phone": "13800000002", "employer_name": "四川大学"}
    return data | extra


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- people ------------------------------------------------------------------------------------

def test_a_city_center_registers_an_assessor_and_the_audit_trail_says_so(chengdu_reviewer):
    staff = services.staff_create(by=chengdu_reviewer, **person(roles=["assessor", "supervisor"]))
    assert staff.organisation == chengdu_reviewer.organisation
    assert staff.is_assessor and staff.is_supervisor and not staff.is_invigilator
    event = AuditEvent.objects.get(action="staffing.staff_create")
    assert event.object_id == str(staff.pk) and event.actor == chengdu_reviewer
    assert event.after["is_assessor"] is True
    assert staff.id_number not in str(event.after) and "13800000002" not in str(event.after)  # masked in the log


def test_r_fj_8_an_institution_may_not_register_an_assessor_or_a_supervisor(institution_clerk):
    for role in ("assessor", "supervisor", "custodian"):
        with pytest.raises(RuleViolation) as refused:
            services.staff_create(by=institution_clerk, **person(roles=[role]))
        assert refused.value.rule_id == "R-FJ-8"
        assert "由职业技能鉴定中心登记" in refused.value.message
    assert not StaffMember.objects.exists()


def test_r_fj_7_a_center_may_not_register_chief_examiners_or_invigilators(province_admin, chengdu_reviewer):
    for user, role in ((province_admin, "chief"), (chengdu_reviewer, "invigilator")):
        with pytest.raises(RuleViolation) as refused:
            services.staff_create(by=user, **person(roles=[role]))
        assert refused.value.rule_id == "R-FJ-7"
    assert not StaffMember.objects.exists()


def test_an_institution_registers_its_chief_and_invigilators(institution_admin):
    staff = services.staff_create(by=institution_admin, **person(roles=["chief", "invigilator"]))
    assert staff.organisation == institution_admin.organisation and staff.is_chief and staff.is_invigilator


def test_a_wrong_check_digit_is_refused_with_the_digit_it_should_be(chengdu_reviewer):
    number = staff_id_number(50)
    wrong = number[:17] + ("1" if number[17] != "1" else "2")
    with pytest.raises(ValidationError) as refused:
        services.staff_create(by=chengdu_reviewer, **person(id_number=wrong))
    assert "校验位错误" in refused.value.message_dict["id_number"][0]


def test_one_person_is_registered_once_per_registry_but_may_be_in_another(chengdu_reviewer, province_admin):
    services.staff_create(by=chengdu_reviewer, **person())
    with pytest.raises(ValidationError) as refused:
        services.staff_create(by=chengdu_reviewer, **person(name="钱考务", roles=["supervisor"]))
    assert "已有身份证号为" in refused.value.message_dict["id_number"][0]
    services.staff_create(by=province_admin, **person(roles=["supervisor"]))  # the province's own registry
    assert StaffMember.objects.count() == 2


def test_a_person_needs_at_least_one_role(chengdu_reviewer):
    with pytest.raises(ValidationError) as refused:
        services.staff_create(by=chengdu_reviewer, **person(roles=[]))
    assert "至少选择一个角色" in refused.value.message_dict["roles"][0]


def test_phone_and_region_are_checked(chengdu_reviewer):
    with pytest.raises(ValidationError) as refused:
        services.staff_create(by=chengdu_reviewer, **person(phone="0281234", region_code="5101"))
    assert set(refused.value.message_dict) == {"phone", "region_code"}


def test_only_the_registry_owner_edits_a_person(center_assessor, station_invigilator, chengdu_reviewer,
                                                province_admin, institution_clerk):
    data = {"name": "冯监考", "id_number": station_invigilator.id_number, "region_code": "510104",
            "roles": ["invigilator", "chief"]}
    for outsider in (chengdu_reviewer, province_admin):  # above the institution: they read, they do not write
        with pytest.raises(PermissionRefused):
            services.staff_update(staff=station_invigilator, by=outsider, **data)
    with pytest.raises(PermissionRefused):
        services.staff_update(staff=center_assessor, by=province_admin, name="吴考评",
                              id_number=center_assessor.id_number, region_code="510104", roles=["assessor"])
    services.staff_update(staff=station_invigilator, by=institution_clerk, **data)
    station_invigilator.refresh_from_db()
    assert station_invigilator.is_chief
    event = AuditEvent.objects.get(action="staffing.staff_update")
    assert event.before["is_chief"] is False and event.after["is_chief"] is True


def test_an_update_may_not_take_an_id_number_another_person_of_the_registry_has(chengdu_reviewer, center_assessor):
    other = services.staff_create(by=chengdu_reviewer, **person(roles=["supervisor"]))
    with pytest.raises(ValidationError):
        services.staff_update(staff=other, by=chengdu_reviewer, name="钱考务", id_number=center_assessor.id_number,
                              region_code="510104", roles=["supervisor"])


# --- cards -------------------------------------------------------------------------------------

def test_a_card_for_an_occupation_and_level_and_one_for_a_special_item(chengdu_reviewer, center_assessor, infant,
                                                                        special):
    until = timezone.localdate() + timedelta(days=100)
    card = services.card_add(staff=center_assessor, by=chengdu_reviewer, number="KP-NEW-1", occupation=infant,
                             level=5, valid_until=until)
    assert card.level == 5 and services.card_is_valid(card)
    item_card = services.card_add(staff=center_assessor, by=chengdu_reviewer, number="KP-NEW-2",
                                  special_item=special, valid_until=until)
    assert item_card.level is None
    assert AuditEvent.objects.filter(action="staffing.card_add").count() == 2


@pytest.mark.parametrize("kwargs, field, text", [
    ({"level": 3}, "occupation", "请选择考评职业"),
    ({"occupation": "infant", "level": None}, "level", "最高考评等级"),
    ({"occupation": "infant", "level": 1}, "level", "未开设一级/高级技师"),
    ({"special_item": "special", "level": 3}, "level", "不分等级"),
    ({"occupation": "infant", "special_item": "special", "level": 3}, "special_item", "只选择其一"),
])
def test_a_card_is_for_an_offered_level_of_an_occupation_or_for_a_special_item(
        chengdu_reviewer, center_assessor, infant, special, kwargs, field, text):
    given = {key: {"infant": infant, "special": special}.get(value, value) for key, value in kwargs.items()}
    with pytest.raises(ValidationError) as refused:
        services.card_add(staff=center_assessor, by=chengdu_reviewer, number="KP-X",
                          valid_until=timezone.localdate(), **given)
    assert text in refused.value.message_dict[field][0]


def test_a_card_number_is_unique(chengdu_reviewer, center_assessor, infant):
    with pytest.raises(ValidationError) as refused:
        services.card_add(staff=center_assessor, by=chengdu_reviewer, number="KP-VALID-001", occupation=infant,
                          level=3, valid_until=timezone.localdate())
    assert "已登记" in refused.value.message_dict["number"][0]


def test_only_an_assessor_holds_a_card(chengdu_reviewer, infant):
    supervisor = services.staff_create(by=chengdu_reviewer, **person(roles=["supervisor"]))
    with pytest.raises(ValidationError) as refused:
        services.card_add(staff=supervisor, by=chengdu_reviewer, number="KP-S", occupation=infant, level=3,
                          valid_until=timezone.localdate())
    assert "只有考评员" in messages_of(refused.value)


def test_r_sc24_8_a_card_past_its_date_is_kept_but_not_valid(chengdu_reviewer, center_assessor, infant):
    yesterday = timezone.localdate() - timedelta(days=1)
    card = services.card_add(staff=center_assessor, by=chengdu_reviewer, number="KP-PAST", occupation=infant,
                             level=3, valid_until=yesterday)
    assert AssessorCard.objects.filter(number="KP-PAST").exists()
    assert not services.card_is_valid(card)
    assert services.card_is_valid(card, on=yesterday)  # its last day still counts


def test_a_card_is_removed_by_its_registry_only(chengdu_reviewer, province_admin, center_assessor):
    card = center_assessor.cards.get(number="KP-OLD-002")
    with pytest.raises(PermissionRefused):
        services.card_remove(card=card, by=province_admin)
    services.card_remove(card=card, by=chengdu_reviewer)
    assert not AssessorCard.objects.filter(number="KP-OLD-002").exists()
    assert AuditEvent.objects.get(action="staffing.card_remove").before["number"] == "KP-OLD-002"


# --- availability, training classes, relations ------------------------------------------------

def test_availability_is_one_entry_per_date_and_setting_it_again_replaces_it(chengdu_reviewer, center_assessor):
    day = timezone.localdate() + timedelta(days=10)
    services.availability_set(staff=center_assessor, by=chengdu_reviewer, date=day, available=True)
    services.availability_set(staff=center_assessor, by=chengdu_reviewer, date=day, available=False, note="出差")
    entry = StaffAvailability.objects.get(staff=center_assessor)
    assert entry.available is False and entry.note == "出差"
    events = AuditEvent.objects.filter(action="staffing.availability_set").order_by("pk")
    assert events.count() == 2 and events.last().before["available"] is True


def test_availability_is_set_by_the_registry_only(institution_clerk, center_assessor):
    with pytest.raises(PermissionRefused):
        services.availability_set(staff=center_assessor, by=institution_clerk, date=timezone.localdate(),
                                  available=True)


def test_a_training_class_names_every_unknown_id_number(chengdu_reviewer, center_assessor, candidates):
    unknown = staff_id_number(700)
    with pytest.raises(ValidationError) as refused:
        services.training_class_add(staff=center_assessor, by=chengdu_reviewer, name="育婴员培训班",
                                    candidate_id_numbers=f"{candidates[0].id_number}\n{unknown}")
    assert refused.value.message_dict["candidates"] == [f"身份证号 {unknown} 不是已登记的考生，请核对"]
    assert not center_assessor.training_classes.exists()


def test_a_training_class_records_its_candidates(chengdu_reviewer, center_assessor, candidates, chengdu_institution):
    numbers = "、".join(c.id_number for c in candidates) + "\n" + candidates[0].id_number.lower()
    training = services.training_class_add(
        staff=center_assessor, by=chengdu_reviewer, name="育婴员四级培训班", institution=chengdu_institution,
        starts_on=timezone.localdate() - timedelta(days=30), ends_on=timezone.localdate(),
        candidate_id_numbers=numbers)
    assert set(training.candidates.all()) == set(candidates)
    assert AuditEvent.objects.filter(action="staffing.training_class_add").exists()


def test_a_training_class_ends_after_it_starts(chengdu_reviewer, center_assessor, candidates):
    with pytest.raises(ValidationError) as refused:
        services.training_class_add(staff=center_assessor, by=chengdu_reviewer, name="班",
                                    starts_on=timezone.localdate(), ends_on=timezone.localdate() - timedelta(days=1),
                                    candidate_id_numbers=[candidates[0].id_number])
    assert "ends_on" in refused.value.message_dict


def test_a_relation_is_declared_once_and_removed_with_an_audit_trail(chengdu_reviewer, center_assessor, candidates):
    relation = services.relation_add(staff=center_assessor, by=chengdu_reviewer,
                                     candidate_id_number=candidates[1].id_number,
                                     kind=StaffRelation.Kind.RELATIVE, note="表兄弟")
    with pytest.raises(ValidationError) as refused:
        services.relation_add(staff=center_assessor, by=chengdu_reviewer, candidate_id_number=candidates[1].id_number,
                              kind=StaffRelation.Kind.COLLEAGUE)
    assert "已登记" in refused.value.message_dict["candidate"][0]
    services.relation_remove(relation=relation, by=chengdu_reviewer)
    assert not StaffRelation.objects.exists()
    assert AuditEvent.objects.filter(action__in=["staffing.relation_add", "staffing.relation_remove"]).count() == 2


def test_a_relation_needs_a_known_candidate_and_a_kind(chengdu_reviewer, center_assessor, candidates):
    unknown = staff_id_number(701)
    with pytest.raises(ValidationError) as refused:
        services.relation_add(staff=center_assessor, by=chengdu_reviewer, candidate_id_number=unknown,
                              kind=StaffRelation.Kind.RELATIVE)
    assert unknown in refused.value.message_dict["candidate"][0]
    with pytest.raises(ValidationError):
        services.relation_add(staff=center_assessor, by=chengdu_reviewer, candidate_id_number=candidates[0].id_number,
                              kind="enemy")


def test_relations_and_training_classes_are_written_by_the_registry_only(province_admin, center_assessor, candidates):
    with pytest.raises(PermissionRefused):
        services.relation_add(staff=center_assessor, by=province_admin, candidate_id_number=candidates[0].id_number,
                              kind=StaffRelation.Kind.RELATIVE)
    with pytest.raises(PermissionRefused):
        services.training_class_add(staff=center_assessor, by=province_admin, name="班",
                                    candidate_id_numbers=[candidates[0].id_number])
