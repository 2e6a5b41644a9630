from django import forms
from django.db.models import Q

from kaowu.catalog.models import Occupation, SpecialItem, Subject
from kaowu.catalog.models.catalogue import LEVEL_LABELS
from kaowu.core.forms import bootstrap
from kaowu.plans.models import Plan, PlanItem
from kaowu.sites.models import Room, Site

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "name", "kind", "assessment_type", "sites", "registration_place", "registration_opens",
            "registration_closes", "registration_conditions", "registration_procedure", "fee_note",
            "content_and_method", "ticket_print_start", "ticket_print_end", "contact_name", "contact_phone",
            "schedule_exception", "schedule_exception_reason",
        ]
        widgets = {
            "registration_opens": DATE, "registration_closes": DATE, "ticket_print_start": DATE,
            "ticket_print_end": DATE, "sites": forms.CheckboxSelectMultiple,
            "registration_conditions": forms.Textarea(attrs={"rows": 2}),
            "registration_procedure": forms.Textarea(attrs={"rows": 2}),
            "fee_note": forms.Textarea(attrs={"rows": 2}), "content_and_method": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = Site.objects.filter(institution=institution, is_active=True)
        self.fields["sites"].required = True
        bootstrap(self)
        self.fields["sites"].widget.attrs["class"] = "list-unstyled"


class PlanItemForm(forms.Form):
    occupation = forms.ModelChoiceField(label="职业", queryset=Occupation.objects.filter(is_active=True),
                                        required=False, empty_label="（选择职业）")
    level = forms.TypedChoiceField(label="等级", coerce=int, required=False, empty_value=None,
                                   choices=[("", "（等级）"), *sorted(LEVEL_LABELS.items(), reverse=True)])
    special_item = forms.ModelChoiceField(label="或专项项目", queryset=SpecialItem.objects.filter(is_active=True),
                                          required=False, empty_label="（选择专项项目）")
    expected_candidates = forms.IntegerField(label="拟考核人数", min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean(self):
        data = super().clean()
        occupation, level, special = data.get("occupation"), data.get("level"), data.get("special_item")
        if not (occupation or level or special):
            return data  # an empty row of the formset
        if special and (occupation or level):
            raise forms.ValidationError("每行只能填职业+等级，或专项项目，不能同时填")
        if not special and not (occupation and level):
            raise forms.ValidationError("职业和等级须同时填写")
        if occupation and level not in occupation.levels:
            raise forms.ValidationError(f"{occupation.name}没有{LEVEL_LABELS[level]}")
        return data

    def item_data(self) -> dict | None:
        data = self.cleaned_data
        if not (data.get("occupation") or data.get("special_item")):
            return None
        return {"occupation": data.get("occupation"), "level": data.get("level"),
                "special_item": data.get("special_item"), "expected_candidates": data.get("expected_candidates") or 0}


PlanItemFormSet = forms.formset_factory(PlanItemForm, extra=3, max_num=20)


class SessionForm(forms.Form):
    item = forms.ModelChoiceField(label="考核项目", queryset=PlanItem.objects.none())
    subject = forms.ModelChoiceField(label="科目", queryset=Subject.objects.none(), required=False,
                                     empty_label="（按考核方案选择科目）")
    date = forms.DateField(label="考试日期", widget=DATE)
    start = forms.TimeField(label="开始", widget=TIME)
    end = forms.TimeField(label="结束", widget=TIME)
    rooms = forms.ModelMultipleChoiceField(label="考场", queryset=Room.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        items = plan.items.select_related("occupation", "special_item")
        self.fields["item"].queryset = items
        self.fields["subject"].queryset = Subject.objects.filter(
            Q(scheme__special_item__in=[i.special_item_id for i in items if i.special_item_id])
            | Q(scheme__occupation__in=[i.occupation_id for i in items if i.occupation_id],
                scheme__level__in=[i.level for i in items if i.level])
        ).select_related("scheme")
        self.fields["rooms"].queryset = Room.objects.filter(site__in=plan.sites.all()).select_related("site")
        bootstrap(self)
        self.fields["rooms"].widget.attrs["class"] = "list-unstyled"


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结论", choices=[("approve", "批准"), ("return", "退回")],
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label="审核意见/退回原因", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    approve_schedule_exception = forms.BooleanField(label="同意在统一考核时间以外考核（R-SC24-4）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["class"] = "form-control"
        self.fields["approve_schedule_exception"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            raise forms.ValidationError("退回计划须写明原因")
        return data


class ChangeRequestForm(forms.Form):
    session = forms.ModelChoiceField(label="场次", queryset=None)
    date = forms.DateField(label="新日期", widget=DATE)
    start = forms.TimeField(label="开始", widget=TIME)
    end = forms.TimeField(label="结束", widget=TIME)
    reason = forms.CharField(label="变更原因", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = plan.sessions.select_related("item__occupation", "item__special_item",
                                                                       "subject")
        bootstrap(self)
