"""Calling a service from a button: the one place that turns refusals into messages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.forms import form_add_error


def refusal_messages(exc: Exception) -> list[str]:
    """The Chinese text(s) of a service's refusal (a RuleViolation names its rule id)."""
    if isinstance(exc, ValidationError):
        return exc.messages
    if isinstance(exc, RuleViolation):
        return [str(exc)]
    return [getattr(exc, "message", str(exc))]


def service_action(request, call, success) -> bool:
    """Run `call()` atomically; a refusal becomes an error message (with its rule id), a permission
    refusal a 403, success a message: `success` itself, or `success(result)` when it is a function of what
    `call()` returned. Returns whether it succeeded."""
    try:
        with transaction.atomic():
            result = call()
    except (RuleViolation, ValidationError) as exc:
        messages.error(request, "；".join(refusal_messages(exc)))
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    else:
        messages.success(request, success(result) if callable(success) else success)
        return True
    return False


def service_action_form(request, form, call, success: str) -> bool:
    """Like `service_action`, but a ValidationError goes next to the form's fields."""
    try:
        with transaction.atomic():
            call()
    except ValidationError as exc:
        form_add_error(form, exc)
        return False
    except RuleViolation as exc:
        messages.error(request, "；".join(refusal_messages(exc)))
        return False
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, success)
    return True
