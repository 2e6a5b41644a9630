"""The Excel export of the replacement (补办) list (`core.exports`)."""

from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.certificates.replacement.selectors import replacements_filtered
from kaowu.core.exports import Column, ListExport

REPLACEMENTS = ListExport(key="replacements", title="证书补办", rows=replacements_filtered, roles=OFFICE_ROLES,
                          personal=True, columns=[
    Column("证书编号", lambda r: r.certificate.number, 24),
    Column("持证人", lambda r: r.certificate.candidate.name, 10),
    Column("证件号码", lambda r: r.certificate.candidate.id_number, 22),
    Column("补办原因", lambda r: r.get_reason_display(), 12),
    Column("申请日期", lambda r: r.applied_on, 12),
    Column("办结期限", lambda r: r.due_on, 12),
    Column("费用（元）", lambda r: r.fee, 10),
    Column("状态", lambda r: r.get_status_display(), 10),
    Column("审核时间", lambda r: r.decided_at, 18),
    Column("审核意见", lambda r: r.decision_reason, 30),
])
