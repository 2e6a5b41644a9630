"""Read-only admin: sites, rooms and filings change only through kaowu.sites.services, which check
R-CQ-6 / R-FJ-2 and the institution's scope and write the audit events."""

from django.contrib import admin

from kaowu.sites.models import (
    Equipment,
    FacilityFiling,
    FacilityFilingAttachment,
    Room,
    Site,
    Station,
    UnifiedExamApplication,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    fields = ["name", "kind", "capacity", "desks", "area_m2", "is_tiered"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ["name", "institution", "address", "region_code", "safety_officer", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "address", "institution__name"]
    inlines = [RoomInline]


@admin.register(Room)
class RoomAdmin(ReadOnlyAdmin):
    list_display = ["name", "site", "kind", "capacity", "desks", "is_tiered"]
    list_filter = ["kind", "is_tiered"]
    search_fields = ["name", "site__name"]


@admin.register(Station)
class StationAdmin(ReadOnlyAdmin):
    list_display = ["room", "number", "equipment"]
    search_fields = ["room__name", "room__site__name"]


@admin.register(Equipment)
class EquipmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "model", "count", "site", "room"]
    search_fields = ["name", "model", "site__name"]


@admin.register(FacilityFiling)
class FacilityFilingAdmin(ReadOnlyAdmin):
    list_display = ["site", "institution", "occupation", "level", "special_item", "status", "submitted_at",
                    "reviewed_at"]
    list_filter = ["status"]
    search_fields = ["site__name", "institution__name"]


@admin.register(FacilityFilingAttachment)
class FacilityFilingAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["filing", "kind", "caption", "created_at"]
    list_filter = ["kind"]
    # The file link would point at MEDIA_URL, which is not served: attachments go through the scoped view.
    exclude = ["file"]


@admin.register(UnifiedExamApplication)
class UnifiedExamApplicationAdmin(ReadOnlyAdmin):
    list_display = ["institution", "site", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status"]
    search_fields = ["institution__name"]
