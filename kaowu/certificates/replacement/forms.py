from django import forms

from kaowu.certificates.models import ReplacementRequest
from kaowu.core.forms import bootstrap


class ReplacementForm(forms.Form):
    reason = forms.ChoiceField(label="补办原因", choices=ReplacementRequest.Reason.choices)
    note = forms.CharField(label="说明", max_length=300, required=False)
    id_document = forms.FileField(label="身份证件扫描件（JPG、PNG 或 PDF）")
    photo = forms.FileField(label="近期免冠照片（JPG）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class DecisionForm(forms.Form):
    reason = forms.CharField(label="不予补办的原因", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
