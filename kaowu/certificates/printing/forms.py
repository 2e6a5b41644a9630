from decimal import Decimal

from django import forms

from kaowu.certificates.models import PrinterCalibration
from kaowu.core.forms import bootstrap


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
