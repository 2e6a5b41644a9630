"""Organisations and users in the admin: every change goes through the accounts services, which check who may
make it, refuse the fields certificate numbers were made with (R-CERT-NO) and write the audit event with the
values before and after. Login attempts are a security log (read-only); API tokens are issued by
`kaowu token create` (the key is shown once), here only renamed or revoked, audited."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from kaowu.accounts import services
from kaowu.accounts.audit import AccountAction
from kaowu.accounts.models import ApiToken, LoginAttempt, Organisation, User
from kaowu.core.admin import AuditedModelAdmin
from kaowu.core.services import audit_record, snapshot


def _changes(form, fields) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in fields}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "region_code", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code", "region_code"]
    readonly_fields = ["path"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["path"]
        # The place in the tree never changes here; the numbering fields once a certificate carries them.
        return ["path", "kind", "code", "parent", *services.organisation_numbering_fields_frozen(obj)]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        frozen = services.organisation_numbering_fields_frozen(obj) if obj is not None else []
        if frozen:
            names = "、".join(str(Organisation._meta.get_field(name).verbose_name) for name in frozen)
            note = f"已有证书按{names}编号，这些字段不能再修改（R-CERT-NO）。"
            fieldsets = [(fieldsets[0][0], {**fieldsets[0][1], "description": note})]
        return fieldsets

    def save_model(self, request, obj, form, change):
        editable = [name for name in form.base_fields if name not in services.ORGANISATION_STRUCTURE_FIELDS]
        if change:
            services.organisation_update(organisation=Organisation.objects.get(pk=obj.pk),
                                         changes=_changes(form, editable), by=request.user)
            obj.refresh_from_db()
            return
        details = {name: form.cleaned_data[name] for name in editable
                   if name not in {"name", "region_code"} and name in form.cleaned_data}
        created = services.organisation_create(
            name=obj.name, kind=obj.kind, code=obj.code, region_code=obj.region_code, parent=obj.parent,
            by=request.user, **details)
        obj.pk, obj.path, obj._state.adding = created.pk, created.path, False

    def delete_model(self, request, obj):
        services.organisation_delete(organisation=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


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

    def save_model(self, request, obj, form, change):
        if change:
            services.user_update(user=User.objects.get(pk=obj.pk), changes=_changes(form, services.USER_FIELDS),
                                 by=request.user)
            obj.refresh_from_db()
            return
        # The add form asks for the username and password only; the change page that follows asks the rest.
        super().save_model(request, obj, form, change)
        audit_record(action=AccountAction.USER_CREATE, actor=request.user, target=obj, after=snapshot(obj),
                     organisation_id=obj.organisation_id)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                audit_record(action=AccountAction.USER_PASSWORD_SET, actor=request.user, target=user,
                             after={"password": "已重设"}, organisation_id=user.organisation_id)
        return response

    def delete_model(self, request, obj):
        services.user_delete(user=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "ip", "succeeded"]
    list_filter = ["succeeded"]
    search_fields = ["username", "ip"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the lockout and the investigation of a break-in read it


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "last_used_at"]
    exclude = ["key_hash"]

    def _action(self, obj, verb: str) -> str:
        return {"update": AccountAction.API_TOKEN_UPDATE, "delete": AccountAction.API_TOKEN_DELETE}[verb]

    def has_add_permission(self, request):
        return False  # `kaowu token create` issues tokens and shows the key once
