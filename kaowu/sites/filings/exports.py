"""The Excel export of the facility filing list (`core.exports`)."""

from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.core.exports import Column, ListExport
from kaowu.sites.filings.selectors import filings_filtered

FILINGS = ListExport(key="filings", title="设施设备备案", rows=filings_filtered, roles=OFFICE_ROLES, columns=[
    Column("机构", lambda f: f.institution.name, 28),
    Column("考点", lambda f: f.site.name, 24),
    Column("职业（工种）/项目", lambda f: f.occupation.name if f.occupation_id else f.special_item.name, 24),
    Column("等级", lambda f: f.level, 6),
    Column("拟首次考核日期", lambda f: f.planned_exam_date, 14),
    Column("状态", lambda f: f.get_status_display(), 10),
    Column("提交时间", lambda f: f.submitted_at, 18),
    Column("审核时间", lambda f: f.reviewed_at, 18),
    Column("审核意见/退回原因", lambda f: f.review_reason, 30),
])
