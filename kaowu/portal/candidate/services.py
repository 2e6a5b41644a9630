"""The candidate's sign-up: the account and the candidate record in one step, and its audit."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kaowu.accounts.audit import AccountAction
from kaowu.accounts.models import Role, User
from kaowu.accounts.services import user_create
from kaowu.core.services import audit_record
from kaowu.registration import services as registration_services
from kaowu.registration.models import Candidate

MSG_ALREADY_REGISTERED = "该证件号码已注册，请直接登录"
MSG_REGISTERED_BY_INSTITUTION = "该证件号码已由报名机构登记为考生，请联系报名机构开通账号"


def candidate_sign_up(*, data: dict, password: str) -> User:
    """Create the account (username = the ID number) and the candidate, and record the sign-up as the
    account's first login; the caller logs the session in. Refusals are ValidationErrors on id_number
    (or on the candidate's fields)."""
    existing = Candidate.objects.filter(id_type=data["id_type"], id_number=data["id_number"]).first()
    if existing is not None or User.objects.filter(username=data["id_number"]).exists():
        taken = existing is None or existing.user_id is not None
        raise ValidationError({"id_number": MSG_ALREADY_REGISTERED if taken else MSG_REGISTERED_BY_INSTITUTION})
    try:
        with transaction.atomic():
            user = user_create(username=data["id_number"], role=Role.CANDIDATE, full_name=data["name"],
                               password=password, phone=data["phone"])
            registration_services.candidate_create(by=user, user=user, **data)
            audit_record(action=AccountAction.LOGIN_SUCCESS, actor=user, target=user, after={"via": "signup"})
    except IntegrityError:
        # Two sign-ups with the same number at the same moment: the unique constraint decided.
        raise ValidationError({"id_number": MSG_ALREADY_REGISTERED}) from None
    return user
