"""A service's refusal as the API's answer: one mapping for every router."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from ninja.errors import HttpError

from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.registration.imports.services import ImportRefused
from kaowu.registration.services import PlacesFull


@contextmanager
def refusals_as_http():
    """403 for a permission refusal, 409 when the item has no place left, 422 for any other refusal;
    the text is the Chinese message (with the rule id for a rule)."""
    try:
        yield
    except PermissionRefused as exc:
        raise HttpError(403, exc.message) from None
    except RuleViolation as exc:
        raise HttpError(422, str(exc)) from None
    except PlacesFull as exc:
        raise HttpError(409, "；".join(exc.messages)) from None
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            text = "；".join(f"{field}：{'、'.join(messages)}" for field, messages in exc.message_dict.items())
        else:
            text = "；".join(exc.messages)
        raise HttpError(422, text) from None
    except ImportRefused as exc:
        raise HttpError(422, exc.message) from None
