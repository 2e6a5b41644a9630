"""Reads of printing: the printer calibrations of the user's own organisation."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import User
from kaowu.accounts.roles import is_office
from kaowu.certificates.models import PrinterCalibration


def calibrations_of(user: User) -> QuerySet[PrinterCalibration]:
    if not is_office(user) or user.organisation_id is None:
        return PrinterCalibration.objects.none()
    return PrinterCalibration.objects.filter(organisation_id=user.organisation_id)


def calibration_get_for_user(*, user: User, calibration_id: int) -> PrinterCalibration:
    return get_object_or_404(calibrations_of(user), pk=calibration_id)


def certificate_batch_get_for_user(*, user: User, task_id: str):
    """The user's own certificate batch job and its plan (still in their scope); another job's id is a 404."""
    from kaowu.certificates.printing.tasks import certificates_batch_pdf
    from kaowu.core.selectors import job_arguments_get_for_user
    from kaowu.plans.selectors import plan_get_for_user

    job, kwargs = job_arguments_get_for_user(user=user, task_id=task_id, task=certificates_batch_pdf)
    return job, plan_get_for_user(user=user, plan_id=kwargs["plan_id"])
