from django import template

from kaowu.core.ids import id_mask

register = template.Library()


@register.filter
def mask_id(value: str) -> str:
    """510104********1234"""
    return id_mask(value or "")


@register.filter
def mask_phone(value: str) -> str:
    """138****5678"""
    if not value or len(value) < 7:
        return value or ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
