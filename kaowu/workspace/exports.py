"""The Excel export of the audit log (`core.exports`): the page's filters, ID numbers masked as the page masks them."""

from kaowu.accounts.roles import AUDIT_ROLES
from kaowu.core.exports import Column, ListExport
from kaowu.core.ids import id_mask
from kaowu.core.templatetags.kaowu import ID_NUMBER
from kaowu.workspace.selectors import audit_action_label, audit_events_filtered


def _masked(text: str) -> str:
    return ID_NUMBER.sub(lambda m: id_mask(m.group(0)), text or "")


def _rows(user, query):
    events, _form, filters = audit_events_filtered(user, query)
    return events.select_related("organisation"), filters


AUDIT = ListExport(key="audit", title="审计日志", rows=_rows, roles=AUDIT_ROLES, personal=True, columns=[
    Column("时间", lambda e: e.at, 18),
    Column("操作人账号", lambda e: _masked(e.actor_username), 20),
    Column("操作", lambda e: audit_action_label(e.action), 20),
    Column("操作代码", lambda e: e.action, 22),
    Column("机构", lambda e: e.organisation.name if e.organisation_id else "", 24),
    Column("对象类型", lambda e: e.object_type, 18),
    Column("对象", lambda e: _masked(e.object_repr), 30),
    Column("IP 地址", lambda e: e.ip, 14),
])
