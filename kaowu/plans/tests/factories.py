from datetime import date, time

from kaowu.catalog.models import AssessmentType, Occupation
from kaowu.plans import services
from kaowu.plans.models import PlanKind


def make_plan(clerk, site, *, kind=PlanKind.UNIFIED, assessment_type=AssessmentType.QUALIFICATION,
              sessions=(date(2024, 10, 14),), item=None, **extra):
    item = item or {"occupation": Occupation.objects.get(name="育婴员"), "level": 4}
    plan = services.plan_create(
        institution=clerk.organisation, by=clerk, name="成都市职业技能鉴定第一站2024年第01批次", kind=kind,
        assessment_type=assessment_type, registration_place="锦江区东大街100号", sites=[site],
        registration_opens=date(2024, 8, 1), registration_closes=date(2024, 8, 31),
        contact_name="陈录", contact_phone="02800000000", items=[item], **extra,
    )
    plan_item = plan.items.get()
    for day in sessions:
        services.session_add(plan=plan, by=clerk, item=plan_item, day=day, start=time(9), end=time(10, 30),
                             rooms=list(site.rooms.all()))
    return plan
