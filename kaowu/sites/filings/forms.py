"""Forms of the facility filing; they only parse input, the services check the rules and save."""

from django import forms
from django.core.exceptions import ValidationError

from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.catalog.models.catalogue import LEVEL_LABELS
from kaowu.core.forms import bootstrap
from kaowu.sites.forms import DATE, TEXTAREA, BootstrapModelForm
from kaowu.sites.models import FacilityFiling, FacilityFilingAttachment, Site


class FacilityFilingForm(forms.Form):
    site = forms.ModelChoiceField(label="考点", queryset=Site.objects.none(), empty_label=None)
    special_item = forms.ModelChoiceField(label="专项职业能力考核项目", required=False,
                                          queryset=SpecialItem.objects.filter(is_active=True),
                                          empty_label="（选择专项项目）")
    occupation = forms.ModelChoiceField(label="或 职业（工种）", required=False,
                                        queryset=Occupation.objects.filter(is_active=True),
                                        empty_label="（选择职业）")
    level = forms.TypedChoiceField(label="等级", coerce=int, required=False, empty_value=None,
                                   choices=[("", "（等级）"), *sorted(LEVEL_LABELS.items(), reverse=True)])
    planned_exam_date = forms.DateField(label="拟首次考核日期", required=False, widget=DATE,
                                        help_text="R-FJ-2：申报须在考核前规定的工作日数送达中心")
    assessor_opinion = forms.CharField(label="考评员意见", required=False, widget=TEXTAREA)
    station_opinion = forms.CharField(label="鉴定站意见", required=False, widget=TEXTAREA)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        bootstrap(self)

    def clean(self):
        data = super().clean()
        if bool(data.get("occupation")) == bool(data.get("special_item")):
            raise ValidationError("请选择一个专项项目，或一个职业（工种）及等级（二者选一）")
        if data.get("occupation") and not data.get("level"):
            self.add_error("level", "按职业（工种）申报时须选择等级")
        return data


class FacilityFilingEditForm(BootstrapModelForm):
    class Meta:
        model = FacilityFiling
        fields = ["planned_exam_date", "assessor_opinion", "station_opinion"]
        widgets = {"planned_exam_date": DATE, "assessor_opinion": TEXTAREA, "station_opinion": TEXTAREA}


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=FacilityFilingAttachment.Kind.choices)
    file = forms.FileField(label="文件")
    caption = forms.CharField(label="说明", max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结果", choices=[("approve", "确认通过"), ("return", "退回")])
    reason = forms.CharField(label="审核意见 / 退回原因", required=False, widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "退回须填写原因")
        return data
