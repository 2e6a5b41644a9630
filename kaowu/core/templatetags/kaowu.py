import re

from django import template

from kaowu.core.ids import id_mask

register = template.Library()


@register.filter
def mask_id(value: str) -> str:
    """510104********1234"""
    return id_mask(value or "")


ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


@register.filter
def mask_ids_in(value: str) -> str:
    """Mask every resident ID number inside a text (candidates log in with theirs, so it shows up in
    usernames and object names of the audit log)."""
    return ID_NUMBER.sub(lambda m: id_mask(m.group(0)), value or "")


@register.filter
def mask_phone(value: str) -> str:
    """138****5678"""
    if not value or len(value) < 7:
        return value or ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
