from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from kaowu.accounts.models import Role
from kaowu.catalog.models import PolicyProfile
from kaowu.catalog.models.catalogue import (
    LEVEL_LABELS,
    Fee,
    Occupation,
    Scheme,
    SpecialItem,
    Subject,
    SubjectPart,
)
from kaowu.catalog.models.policy import PARAMETER_GROUPS
from kaowu.catalog.policy import (
    EDITABLE_FIELDS,
    policy_preset_sources,
    policy_preset_values,
    policy_profile_activate,
    policy_profile_update,
)
from kaowu.core.admin import AuditedModelAdmin
from kaowu.core.errors import PermissionRefused

# =============================================================================================
# 政策配置 (PolicyProfile, DESIGN.md §4)
#
# Province admins only. Saving the change form goes through policy_profile_update and the
# "启用" action through policy_profile_activate, so both are audited. Profiles are neither added
# nor deleted here: the presets come from policy_presets_load (`kaowu catalog load`).
# =============================================================================================


def _is_province_admin(request) -> bool:
    user = request.user
    return user.is_authenticated and user.is_active and user.role == Role.PROVINCE_ADMIN


@admin.register(PolicyProfile)
class PolicyProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "preset", "is_active", "updated_at"]
    list_display_links = ["name"]
    ordering = ["-is_active", "preset"]
    readonly_fields = ["preset", "is_active", "created_at", "updated_at", "preset_sources"]
    fieldsets = [
        (None, {"fields": ["name", "preset", "description", "is_active"]}),
        *[(area, {"fields": names}) for area, names in PARAMETER_GROUPS],
        ("依据", {"fields": ["preset_sources"], "classes": ["collapse"]}),
        ("记录", {"fields": ["created_at", "updated_at"]}),
    ]
    actions = ["activate_profile"]

    def has_module_permission(self, request) -> bool:
        return _is_province_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_province_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_province_admin(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        # `obj` already carries the form's values; the service re-reads the stored row for `before`.
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
        saved = policy_profile_update(profile=obj, by=request.user, changes=changes)
        obj.updated_at = saved.updated_at

    @admin.action(description="启用所选政策配置（同时停用当前配置）", permissions=["change"])
    def activate_profile(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "请只选择一套政策配置启用", level=messages.ERROR)
            return
        try:
            profile = policy_profile_activate(profile=queryset.get(), by=request.user)
        except PermissionRefused as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return
        self.message_user(request, f"已启用政策配置“{profile.name}”", level=messages.SUCCESS)

    @admin.display(description="各参数的预置值与出处")
    def preset_sources(self, obj: PolicyProfile):
        if obj is None or obj.pk is None:
            return "-"
        sources = policy_preset_sources(key=obj.preset)
        values = policy_preset_values(key=obj.preset)
        rows = []
        for _, names in PARAMETER_GROUPS:
            for name in names:
                field = PolicyProfile._meta.get_field(name)
                current = getattr(obj, name)
                edited = "（已修改）" if current != values[name] else ""
                rows.append((field.verbose_name, values[name], current, edited, sources.get(name, "")))
        body = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>", rows,
        )
        return format_html(
            "<table><thead><tr><th>参数</th><th>预置值</th><th>当前值</th><th>出处</th></tr></thead>"
            "<tbody>{}</tbody></table>", body,
        )


# =============================================================================================
# 考核目录 (occupations, special items, schemes, fees): every save and delete is audited.
# =============================================================================================
# --- catalogue ---


@admin.register(Occupation)
class OccupationAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "edition", "level_list", "is_active"]
    list_filter = ["is_active", "edition"]
    search_fields = ["code", "name"]

    @admin.display(description="开设等级")
    def level_list(self, obj: Occupation) -> str:
        return "、".join(obj.level_labels())


@admin.register(SpecialItem)
class SpecialItemAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "is_unified", "region_code", "is_active"]
    list_filter = ["is_unified", "is_active", "region_code"]
    search_fields = ["code", "name"]


class SubjectInline(admin.TabularInline):
    model = Subject
    extra = 0
    fields = [
        "order", "kind", "name", "question_types", "question_count", "answer_mode", "duration_minutes",
        "full_marks", "pass_mark", "weight",
    ]
    show_change_link = True  # the parts (职业道德 10% …) are edited on the subject's own page


@admin.register(Scheme)
class SchemeAdmin(AuditedModelAdmin):
    list_display = ["name", "occupation", "level_label", "special_item", "is_active"]
    list_filter = ["is_active", "occupation", "level", "special_item__is_unified"]
    search_fields = ["name", "occupation__name", "occupation__code", "special_item__name", "special_item__code"]
    list_select_related = ["occupation", "special_item"]
    autocomplete_fields = ["occupation", "special_item"]
    inlines = [SubjectInline]

    @admin.display(description="等级", ordering="level")
    def level_label(self, obj: Scheme) -> str:
        return LEVEL_LABELS[obj.level] if obj.level else "—"


class SubjectPartInline(admin.TabularInline):
    model = SubjectPart
    extra = 0
    fields = ["order", "name", "full_marks", "weight"]


@admin.register(Subject)
class SubjectAdmin(AuditedModelAdmin):
    list_display = ["scheme", "order", "name", "kind", "answer_mode", "duration_minutes", "full_marks", "pass_mark"]
    list_filter = ["kind", "answer_mode"]
    search_fields = ["name", "scheme__name"]
    list_select_related = ["scheme"]
    autocomplete_fields = ["scheme"]
    inlines = [SubjectPartInline]


@admin.register(Fee)
class FeeAdmin(AuditedModelAdmin):
    list_display = [
        "region_code", "occupation", "level", "special_item", "subject_kind", "amount", "valid_from", "basis",
    ]
    list_filter = ["region_code", "subject_kind", "valid_from"]
    search_fields = ["region_code", "occupation__name", "special_item__name", "basis"]
    list_select_related = ["occupation", "special_item"]
    autocomplete_fields = ["occupation", "special_item"]
