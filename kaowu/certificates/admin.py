"""Certificates in the admin are read-only: issuing, revoking and replacing go through the services (numbering
locks, signatures, audit events); the admin only looks."""

from django.contrib import admin

from kaowu.certificates.models import Certificate, CertificateSequence, PrinterCalibration, ReplacementRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "holder_name", "item_name", "level_name", "grade", "issued_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "holder_name"]
    exclude = ["holder_id_number"]


@admin.register(CertificateSequence)
class CertificateSequenceAdmin(ReadOnlyAdmin):
    list_display = ["key", "last_serial"]
    search_fields = ["key"]


@admin.register(ReplacementRequest)
class ReplacementRequestAdmin(ReadOnlyAdmin):
    list_display = ["certificate", "reason", "applied_on", "due_on", "status"]
    list_filter = ["status"]


@admin.register(PrinterCalibration)
class PrinterCalibrationAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "name", "offset_x_mm", "offset_y_mm"]
