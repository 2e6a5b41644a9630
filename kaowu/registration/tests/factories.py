"""The registration world the tests of registration, the portal and the API share: a 成都 plan open for
registration with two items (育婴员 四级, 企业人力资源管理师 三级), and candidates who signed up themselves
(张伟, 李娜). The fixtures reach the tests through the conftest.py of kaowu/registration and kaowu/portal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from kaowu.accounts.models import Role
from kaowu.accounts.services import api_token_create
from kaowu.catalog.loader import catalogue_load
from kaowu.catalog.models import Occupation
from kaowu.plans.models import Plan, PlanItem
from kaowu.plans.services import plan_create
from kaowu.registration import services
from kaowu.registration.models import Application, Candidate
from kaowu.sites.models import Site

ZHANG_ID = "510104199001011230"  # 1990-01-01, 男
LI_ID = "510105199103034560"  # 1991-03-03, 女
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def open_plan(db, institution_clerk):
    catalogue_load()
    site = Site.objects.create(institution=institution_clerk.organisation, name="一站考点", address="锦江区东大街100号",
                               region_code="510104", contact_name="陈录", contact_phone="028", safety_officer="王安")
    today = timezone.localdate()
    plan = plan_create(
        institution=institution_clerk.organisation, by=institution_clerk, name="一站第01批次", kind="unified",
        assessment_type="qualification", registration_place="报名大厅", registration_opens=today - timedelta(days=1),
        registration_closes=today + timedelta(days=10), contact_name="陈录", contact_phone="028", sites=[site],
        items=[{"occupation": Occupation.objects.get(name="育婴员"), "level": 4},
               {"occupation": Occupation.objects.get(name="企业人力资源管理师"), "level": 3}],
    )
    # Filing and approval are the plans tests' business; here the plan simply is open.
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.REGISTRATION_OPEN)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def infant_care_item(open_plan):
    return PlanItem.objects.get(plan=open_plan, occupation__name="育婴员")


@pytest.fixture
def hr_item(open_plan):
    return PlanItem.objects.get(plan=open_plan, occupation__name="企业人力资源管理师")


@pytest.fixture
def other_candidate_user(chengdu_institution):
    return make_user("cd01_candidate002", Role.CANDIDATE, chengdu_institution, "李另")


def self_registered(id_number: str, name: str) -> Candidate:
    """A candidate who signed up (account without organisation); the password is TEST_PASSWORD."""
    user = make_user(id_number, Role.CANDIDATE, None, name)
    return services.candidate_create(by=user, user=user, name=name, education="college", id_number=id_number,
                                     address="成都市", phone="13900000000")


@pytest.fixture
def zhang(db):
    return self_registered(ZHANG_ID, "张伟")


@pytest.fixture
def li(db):
    return self_registered(LI_ID, "李娜")


def draft_for(candidate: Candidate, item) -> Application:
    return services.application_create(candidate=candidate, item=item, by=candidate.user)


def bearer(user) -> dict:
    """The header of an API call made with a fresh token of `user`."""
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='测试')[1]}"}


def paid_application(clerk, reviewer, item, *, id_number: str = "11010519491231002X", name: str = "张三",
                     receipt_number: str = "NO.0001") -> Application:
    """An application the clerk registered, both reviews passed, and the fee paid (cash)."""
    candidate = services.candidate_create(by=clerk, name=name, education="bachelor", id_number=id_number,
                                          address="成都市锦江区", phone="13800138000")
    application = services.application_create(candidate=candidate, item=item, by=clerk)
    services.application_submit(application=application, by=clerk, commitment_accepted=True,
                                today=timezone.localdate())
    services.application_institution_approve(application=application, by=clerk, originals_seen=True)
    services.application_center_approve(application=application, by=reviewer)
    services.payment_record(application=application, by=clerk, method="cash", receipt_number=receipt_number)
    return application


def withdrawn_after_payment(clerk, reviewer, item, **kwargs) -> Application:
    """A paid application withdrawn: its refund waits for the institution's confirmation (R-SC21-5)."""
    application = paid_application(clerk, reviewer, item, **kwargs)
    return services.application_withdraw(application=application, by=clerk, reason="考生时间冲突")
