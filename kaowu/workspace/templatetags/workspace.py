from django import template

from kaowu.workspace.selectors import audit_action_label as _audit_action_label

register = template.Library()


@register.filter
def audit_action_label(value: str) -> str:
    """`{{ event.action|audit_action_label }}`: the action's Chinese label, or the action itself."""
    return _audit_action_label(value)
