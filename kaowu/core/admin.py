from django.contrib import admin

from kaowu.core.models import AuditEvent, WorkdayOverride
from kaowu.core.services import audit_record, snapshot


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["at", "actor_username", "organisation", "action", "object_repr", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_username", "object_repr", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedModelAdmin(admin.ModelAdmin):
    """Edits made in the admin are state changes too: every save and delete writes an AuditEvent.

    The admin wraps each change view in a transaction, so the event commits with the change.
    """

    def _action(self, obj, verb: str) -> str:
        return f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk), list(form.changed_data)) if change else None
        super().save_model(request, obj, form, change)
        after = snapshot(obj, list(form.changed_data)) if change else snapshot(obj)
        audit_record(action=self._action(obj, "update" if change else "create"), actor=request.user, target=obj,
                     before=before, after=after)

    def delete_model(self, request, obj):
        audit_record(action=self._action(obj, "delete"), actor=request.user, target=obj, before=snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_record(action=self._action(obj, "create"), actor=request.user, target=obj, after=snapshot(obj))
        for obj, fields in formset.changed_objects:
            audit_record(action=self._action(obj, "update"), actor=request.user, target=obj,
                         after=snapshot(obj, list(fields)))
        for obj in formset.deleted_objects:
            audit_record(action=self._action(obj, "delete"), actor=request.user, target=obj, before=snapshot(obj))


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(AuditedModelAdmin):
    """The province enters next year's holidays and 调休 working days here (or loads a file with
    `kaowu holidays-load`) as soon as the State Council publishes them; every deadline uses them at once."""

    list_display = ["day", "weekday", "kind", "name", "note", "updated_at"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["name", "note"]
    ordering = ["-day"]

    @admin.display(description="星期")
    def weekday(self, obj) -> str:
        return "星期" + "一二三四五六日"[obj.day.weekday()]
