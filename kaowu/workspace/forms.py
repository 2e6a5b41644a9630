from django import forms

from kaowu.accounts.models import Organisation


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
