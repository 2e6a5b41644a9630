from decimal import Decimal

from django import forms

from kaowu.certificates.models import PrinterCalibration, ReplacementRequest
from kaowu.core.forms import bootstrap


class VerifyForm(forms.Form):
    number = forms.CharField(label="证书编号", max_length=64)
    name = forms.CharField(label="姓名", max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
        self.fields["number"].widget.attrs.update(autocomplete="off", inputmode="latin",
                                                  placeholder="如 S510151000123264000001")


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


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


class CalibrationForm(forms.Form):
    name = forms.CharField(label="打印机名称", max_length=60)
    offset_x_mm = forms.DecimalField(label="水平偏移（毫米，向右为正）", max_digits=5, decimal_places=1,
                                     initial=Decimal("0"))
    offset_y_mm = forms.DecimalField(label="垂直偏移（毫米，向上为正）", max_digits=5, decimal_places=1,
                                     initial=Decimal("0"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class PrintForm(forms.Form):
    layout = forms.ChoiceField(label="打印方式",
                               choices=[("full", "完整证书（白纸打印）"), ("preprinted", "套打（只打印内容）")])
    calibration = forms.ModelChoiceField(label="打印机校准", queryset=PrinterCalibration.objects.none(), required=False,
                                         empty_label="不偏移")

    def __init__(self, *args, calibrations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if calibrations is not None:
            self.fields["calibration"].queryset = calibrations
        bootstrap(self)
