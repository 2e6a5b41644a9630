from django import forms

from kaowu.arrangement.models import ArrangementRun
from kaowu.arrangement.services import SEED_LIMIT
from kaowu.core.forms import bootstrap


class ArrangementRunForm(forms.Form):
    """增量编排 / 全部重排. A full re-arrangement with published tickets needs `confirm` ticked: it withdraws them."""

    mode = forms.ChoiceField(label="编排方式", choices=ArrangementRun.Mode.choices)
    seed = forms.IntegerField(label="随机种子", required=False, min_value=0, max_value=SEED_LIMIT - 1,
                              help_text="留空则随机生成；填写某次编排的种子可复现该次座位顺序（输入相同时）")
    confirm = forms.BooleanField(label="我已知晓：已发布的准考证将全部作废，考生须重新打印", required=False)

    def __init__(self, *args, valid_tickets: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.valid_tickets = valid_tickets
        bootstrap(self)

    def clean(self):
        data = super().clean()
        if data.get("mode") == ArrangementRun.Mode.FULL and self.valid_tickets and not data.get("confirm"):
            raise forms.ValidationError(
                f"全部重排将作废已发布的 {self.valid_tickets} 张准考证，请勾选确认后再提交")
        return data
