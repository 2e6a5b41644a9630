"""The form of the changes area: the 申报表 fields a change may touch."""

from django import forms

from kaowu.core.forms import bootstrap
from kaowu.registration.changes.services import CHANGEABLE_FIELDS
from kaowu.registration.models import Candidate


class CandidateDataForm(forms.Form):
    """The 申报表 fields of a candidate; the service checks them as a whole (ID number, uniqueness)."""

    reason = forms.CharField(label="变更原因", max_length=200, required=False,
                             help_text="报名提交后修改须写明原因（如：身份证换证、手机号变更），由中心审核。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(
            Candidate, fields=CHANGEABLE_FIELDS,
            widgets={"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")})
        reason = self.fields.pop("reason")
        self.fields.update(model_fields)
        self.fields["reason"] = reason
        bootstrap(self)
