"""Forms of the registration pages: the institution's confirmation of a refund (R-SC21-5)."""

from django import forms

from kaowu.core.forms import bootstrap
from kaowu.registration.models import Refund


class RefundConfirmForm(forms.Form):
    """How, how much and when the fee went back; the service checks the amount against what was paid."""

    method = forms.ChoiceField(label="退费方式", choices=[("", "请选择"), *Refund.Method.choices])
    amount = forms.DecimalField(label="退费金额（元）", max_digits=8, decimal_places=2, min_value=0,
                                help_text="默认为实缴金额；不能超过实缴金额，少退须在备注中写明原因")
    refunded_on = forms.DateField(label="退费日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label="备注", max_length=200, required=False,
                           help_text="如转账流水号、原路退回的交易号，或少退的原因")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
