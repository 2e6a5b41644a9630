from datetime import timedelta

from django import forms

from kaowu.core.forms import bootstrap

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A year and a bit: half-yearly and yearly reports fit, a whole history in one file does not.
MAX_DAYS = 400


class ExportForm(forms.Form):
    issued_from = forms.DateField(label="发证日期自", widget=DATE)
    issued_to = forms.DateField(label="发证日期至", widget=DATE)
    include_changed = forms.BooleanField(
        label="同时报送本期间内撤销或补发的证书（不论发证日期）", required=False,
        help_text="国家平台需同步证书状态变更时勾选（R-LN-3、R-FJ-15）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("issued_from"), data.get("issued_to")
        if start and end:
            if start > end:
                raise forms.ValidationError("起始日期不能晚于截止日期")
            if end - start > timedelta(days=MAX_DAYS):
                raise forms.ValidationError(f"一次最多导出{MAX_DAYS}天的数据，请分段导出")
        return data
