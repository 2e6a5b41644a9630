"""Forms of the release pages: returning results, asking and deciding a recheck (R-FJ-11)."""

from django import forms

from kaowu.core.forms import bootstrap
from kaowu.scoring.models import RecheckRequest

# Offered so that a candidate who disagrees with the marking learns at once why a recheck cannot help:
# the service refuses it with R-FJ-11.
OTHER_KIND = "other"
KIND_CHOICES = [*RecheckRequest.Kind.choices, (OTHER_KIND, "其他（对评分标准、评分尺度有异议）")]


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="说明需要报名考核机构更正或补充的内容")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class RecheckRequestForm(forms.Form):
    kind = forms.ChoiceField(label="复查类别", choices=KIND_CHOICES, widget=forms.RadioSelect,
                             help_text="复查只核对漏登、错登、错统分数，不涉及评分标准（R-FJ-11）")
    reason = forms.CharField(label="申请理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="请写明科目和您认为有误之处")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["class"] = "form-control"
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class RecheckDecisionForm(forms.Form):
    UPHOLD, CORRECT = "uphold", "correct"
    decision = forms.ChoiceField(label="处理结果", choices=[(UPHOLD, "维持原成绩"), (CORRECT, "更正成绩")])
    subject_score = forms.TypedChoiceField(label="更正科目", coerce=int, required=False, empty_value=None)
    new_score = forms.DecimalField(label="更正后成绩", max_digits=6, decimal_places=2, required=False, min_value=0)
    reason = forms.CharField(label="处理意见", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="维持原成绩的说明核对情况；更正的说明登记或统计错在何处")

    def __init__(self, *args, scores=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_score"].choices = [("", "——")] + [
            (s.pk, f"{s.session.subject.name if s.session and s.session.subject_id else '考核'}"
                   f"（现为 {s.score if s.score is not None else '无成绩'}）") for s in scores]
        bootstrap(self)

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.CORRECT:
            if not data.get("subject_score"):
                self.add_error("subject_score", "请选择要更正的科目")
            if data.get("new_score") is None:
                self.add_error("new_score", "请填写更正后的成绩")
        return data
