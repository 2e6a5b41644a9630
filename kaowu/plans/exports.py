"""The Excel export of the plan list (`core.exports`)."""

from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.core.exports import Column, ListExport
from kaowu.plans.selectors import plans_filtered

PLANS = ListExport(key="plans", title="考核计划", rows=plans_filtered, roles=OFFICE_ROLES, columns=[
    Column("计划名称", lambda p: p.name, 36),
    Column("机构", lambda p: p.institution.name, 28),
    Column("审核中心", lambda p: p.reviewing_center.name if p.reviewing_center_id else "", 20),
    Column("计划类别", lambda p: p.get_kind_display(), 12),
    Column("评价方式", lambda p: p.get_assessment_type_display(), 12),
    Column("状态", lambda p: p.get_status_display(), 10),
    Column("报名开始日期", lambda p: p.registration_opens, 12),
    Column("报名截止日期", lambda p: p.registration_closes, 12),
    Column("报备时间", lambda p: p.filed_at, 18),
    Column("审核时间", lambda p: p.reviewed_at, 18),
])
