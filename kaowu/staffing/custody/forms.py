"""Forms of the custody pages: register a package, record a handover, report and resolve a leak."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from kaowu.core.forms import bootstrap
from kaowu.plans.models import Plan
from kaowu.staffing.custody.selectors import chain_people, custodians_for, receivers_for, session_rooms
from kaowu.staffing.models import Handover, PaperPackage, StaffMember

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: StaffMember) -> str:
        kinds = [label for flag, label in (("is_custodian", "保管员"), ("is_supervisor", "督导员"),
                                           ("is_chief", "主考"), ("is_invigilator", "监考员")) if getattr(obj, flag)]
        return f"{obj.name}（{'、'.join(kinds)} · {obj.organisation.short_name or obj.organisation.name}）"


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        subject = obj.subject.name if obj.subject_id else "考核"
        return f"{obj.date:%Y-%m-%d} {obj.start:%H:%M}–{obj.end:%H:%M} {obj.item} · {subject}"


class PackageRegisterForm(forms.Form):
    session = SessionChoiceField(label="场次", queryset=None)
    room = forms.ModelChoiceField(label="考场", queryset=None, required=False, empty_label="（整个场次）",
                                  help_text="按考场分袋时选择；一个场次只有一袋时可不选")
    number = forms.CharField(label="试卷袋编号", max_length=40)
    paper_count = forms.IntegerField(label="试卷份数", min_value=1)
    seal_number = forms.CharField(label="密封条编号", max_length=40)
    custodian = StaffChoiceField(label="保管员", queryset=None,
                                 help_text="R-CQ-9：由指定的试卷保管员印制、封装、发放、回收和保管")

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = plan.sessions.select_related(
            "item__occupation", "item__special_item", "subject").order_by("date", "start")
        self.fields["room"].queryset = session_rooms(plan)
        self.fields["custodian"].queryset = custodians_for(plan)
        bootstrap(self)


class HandoverForm(forms.Form):
    stage = forms.ChoiceField(label="交接环节", choices=Handover.Stage.choices)
    giver = StaffChoiceField(label="交出人", queryset=None)
    receiver = StaffChoiceField(label="接收人", queryset=None)
    at = forms.DateTimeField(label="交接时间", input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL))
    count = forms.IntegerField(label="清点份数", min_value=0)
    seal_number = forms.CharField(label="核对的密封条编号", max_length=40, required=False,
                                  help_text="考场回收封装后，填写新贴密封条的编号")
    seal_intact = forms.BooleanField(label="试卷袋及密封条完好无损", required=False)
    giver_signed = forms.BooleanField(label="交出人已签字", required=False)
    receiver_signed = forms.BooleanField(label="接收人已签字", required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, package: PaperPackage, next_stage: str | None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"stage": next_stage, "giver": package.holder_id,
                             "at": timezone.localtime().replace(second=0, microsecond=0), **kwargs["initial"]}
        if next_stage == Handover.Stage.RETURN:
            kwargs["initial"].setdefault("receiver", package.custodian_id)
        super().__init__(*args, **kwargs)
        people = chain_people(package.session.plan)
        # The holder is always offered as the giver, even when registered elsewhere.
        self.fields["giver"].queryset = (StaffMember.objects.filter(Q(pk__in=people.values("pk"))
                                                                    | Q(pk=package.holder_id))
                                         .select_related("organisation").order_by("organisation__path", "name"))
        self.fields["receiver"].queryset = receivers_for(package, next_stage)
        bootstrap(self)


class LeakReportForm(forms.Form):
    description = forms.CharField(label="情况说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="发现的时间、地点、经过；提交后该试卷袋立即停用")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class LeakResolveForm(forms.Form):
    resolution = forms.CharField(label="处理结果", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
