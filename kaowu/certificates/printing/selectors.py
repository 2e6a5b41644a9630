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
