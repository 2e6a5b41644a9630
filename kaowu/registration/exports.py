"""The Excel export of the application list: the rows `applications_filtered` gives the page, as a `ListExport`."""

from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.core.exports import Column, ListExport
from kaowu.registration.audit import RegistrationAction
from kaowu.registration.selectors import applications_filtered

APPLICATIONS = ListExport(
    key="applications", title="报名名单", rows=applications_filtered, roles=OFFICE_ROLES, personal=True,
    action=RegistrationAction.REGISTRATION_EXPORT,
    columns=[
        Column("姓名", lambda a: a.candidate.name, 10),
        Column("证件类型", lambda a: a.candidate.get_id_type_display(), 12),
        Column("证件号码", lambda a: a.candidate.id_number, 22),
        Column("性别", lambda a: a.candidate.gender, 6),
        Column("手机号", lambda a: a.candidate.phone, 14),
        Column("工作单位", lambda a: a.candidate.employer, 24),
        Column("计划", lambda a: a.plan.name, 30),
        Column("报考项目", lambda a: str(a.item), 24),
        Column("状态", lambda a: a.get_status_display(), 12),
        Column("提交时间", lambda a: a.submitted_at, 18),
    ],
)
