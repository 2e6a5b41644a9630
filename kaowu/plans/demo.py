"""The plans step of the demo generator: one plan per city, approved and open for registration,
so that the announcement pages and the calendar have something to show on `make run`."""

from datetime import date, time, timedelta

from kaowu.accounts.models import Organisation, Role, User
from kaowu.catalog.models import AssessmentType
from kaowu.core.workdays import workdays_add
from kaowu.plans import selectors, services
from kaowu.plans.models import Plan, PlanKind
from kaowu.sites.models import FacilityFiling, ReviewStatus


def demo_plans_build(*, today: date) -> list[Plan]:
    plans = []
    for city_code in ("510100", "510700"):
        institution = (Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION, parent__region_code=city_code)
                       .order_by("path").first())
        filing = (FacilityFiling.objects.filter(institution=institution, status=ReviewStatus.APPROVED,
                                                special_item__isnull=False).select_related("site", "special_item")
                  .first())
        if filing is None:
            continue
        clerk = User.objects.filter(organisation=institution, role=Role.INSTITUTION_CLERK).order_by("username").first()
        reviewer = User.objects.filter(organisation=institution.parent, role=Role.CITY_REVIEWER).order_by("username")[0]
        exam_day = workdays_add(today, 20)
        plan = services.plan_create(
            institution=institution, by=clerk,
            name=selectors.plan_default_name(institution=institution, kind=PlanKind.GRADED_UNIFIED, on=today),
            kind=PlanKind.GRADED_UNIFIED, assessment_type=AssessmentType.SPECIAL_ABILITY,
            registration_place=f"{institution.address}（报名大厅）", registration_opens=today,
            registration_closes=exam_day - timedelta(days=7), contact_name=clerk.full_name,
            contact_phone=institution.contact_phone, sites=[filing.site],
            items=[{"special_item": filing.special_item, "expected_candidates": 30}],
            registration_conditions="年满16周岁，从事或准备从事相关工作的人员",
            registration_procedure="携带身份证原件和近期免冠照片到报名点现场报名，填写申报表并签署承诺书",
            fee_note="按四川省现行收费标准执行（演示数据）",
            content_and_method="专业能力考核，实际操作",
        )
        rooms = list(filing.site.rooms.all()[:1])
        services.session_add(plan=plan, by=clerk, item=plan.items.get(), day=exam_day, start=time(9),
                             end=time(11), rooms=rooms)
        services.plan_file(plan=plan, by=clerk, today=today)
        services.plan_approve(plan=plan, by=reviewer, today=today)
        services.plan_open_registration(plan=plan, by=clerk)
        plans.append(plan)
    return plans
