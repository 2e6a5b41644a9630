from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from kaowu.accounts.models import ApiToken, LoginAttempt, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "region_code", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code", "region_code"]
    readonly_fields = ["path"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "organisation", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "phone"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("身份", {"fields": ["full_name", "role", "organisation", "phone", "email"]}),
        ("状态", {"fields": ["is_active", "is_staff", "is_superuser", "last_login", "date_joined"]}),
    ]


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "ip", "succeeded"]
    list_filter = ["succeeded"]
    search_fields = ["username", "ip"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "last_used_at"]
