"""The Excel exports of the recheck list, a plan's results and the public result list (`core.exports`).

The public list is masked as the public page is (ID numbers as 510104********1234) and anyone may take it."""

from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.core.exports import Column, ListExport
from kaowu.core.ids import id_mask
from kaowu.scoring.release.selectors import (
    plan_results_filtered,
    public_results_filtered,
    rechecks_filtered,
    releases_list_rows,
)

RECHECKS = ListExport(key="rechecks", title="成绩复查", rows=rechecks_filtered, roles=OFFICE_ROLES, personal=True,
                      columns=[
    Column("考生", lambda r: r.result.application.candidate.name, 10),
    Column("证件号码", lambda r: r.result.application.candidate.id_number, 22),
    Column("计划", lambda r: r.result.release.plan.name, 30),
    Column("报考项目", lambda r: str(r.result.application.item), 24),
    Column("复查类别", lambda r: r.get_kind_display(), 10),
    Column("申请理由", lambda r: r.reason, 30),
    Column("状态", lambda r: r.get_status_display(), 10),
    Column("申请时间", lambda r: r.created_at, 18),
    Column("处理时间", lambda r: r.decided_at, 18),
    Column("处理意见", lambda r: r.decision_reason, 30),
])

RESULTS = ListExport(key="results", title="考核结果", rows=plan_results_filtered, roles=OFFICE_ROLES, personal=True,
                     columns=[
    Column("姓名", lambda r: r.application.candidate.name, 10),
    Column("证件号码", lambda r: r.application.candidate.id_number, 22),
    Column("职业（工种）/项目", lambda r: str(r.application.item), 24),
    Column("总成绩", lambda r: r.total, 8),
    Column("结果", lambda r: r.get_outcome_display(), 8),
    Column("等级", lambda r: r.grade, 8),
    Column("已确认", lambda r: r.final, 6),
])

PUBLIC_RESULTS = ListExport(key="public_results", title="成绩公示", rows=public_results_filtered, roles=(),
                            public=True, columns=[
    Column("姓名", lambda r: r.application.candidate.name, 10),
    Column("证件号码", lambda r: id_mask(r.application.candidate.id_number), 22),
    Column("职业（工种）/项目", lambda r: str(r.application.item), 24),
    Column("结果", lambda r: r.get_outcome_display(), 8),
    Column("等级", lambda r: r.grade or "—", 8),
])

RELEASES = ListExport(key="releases", title="成绩上报与发布", rows=releases_list_rows, roles=OFFICE_ROLES, columns=[
    Column("计划", lambda r: r.plan.name, 36),
    Column("机构", lambda r: r.plan.institution.name, 28),
    Column("考核结束", lambda r: r.exam_end, 12),
    Column("上报期限", lambda r: r.release.report_due if r.release else None, 12),
    Column("状态", lambda r: r.release.get_status_display() if r.release else "", 12),
    Column("公示期至", lambda r: r.release.publication_ends if r.release else None, 12),
])
