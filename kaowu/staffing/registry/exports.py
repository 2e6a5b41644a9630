"""The Excel export of the staff registry list (`core.exports`): ID numbers and phones, so it is audited."""

from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.core.exports import Column, ListExport
from kaowu.staffing.registry.selectors import region_name, role_labels, staff_filtered

STAFF = ListExport(key="staff", title="考务人员库", rows=staff_filtered, roles=OFFICE_ROLES, personal=True, columns=[
    Column("姓名", lambda s: s.name, 10),
    Column("身份证号", lambda s: s.id_number, 22),
    Column("手机号", lambda s: s.phone, 14),
    Column("所属人员库", lambda s: s.organisation.name, 24),
    Column("工作单位", lambda s: s.employer.name if s.employer_id else s.employer_name, 24),
    Column("常住地", lambda s: region_name(s.region_code), 16),
    Column("角色", lambda s: "、".join(role_labels(s)), 20),
    Column("有效证卡", lambda s: s.cards_valid, 8),
    Column("过期证卡", lambda s: s.cards_expired, 8),
    Column("在册", lambda s: s.is_active, 6),
])
