from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from kaowu.accounts.models import Organisation


def bootstrap(form: forms.Form) -> None:
    """Give every widget of a form its Bootstrap class."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def form_add_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names, the rest at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for item in errors:
                form.add_error(target, item.messages)
    else:
        form.add_error(None, error.messages)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label="操作", required=False)
    actor = forms.CharField(label="操作人", required=False)
    organisation = forms.ModelChoiceField(label="机构", queryset=Organisation.objects.none(), required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    object_text = forms.CharField(label="对象", required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = "全部机构"
        self.fields["action"].widget.attrs["list"] = "audit-actions"
        self.fields["action"].widget.attrs["placeholder"] = "如 login. 或 user.create"
        for field in self.fields.values():
            is_select = isinstance(field, forms.ModelChoiceField)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("起始日期不能晚于截止日期")
        return data
