from django import forms

from kaowu.core.forms import bootstrap


class VerifyForm(forms.Form):
    number = forms.CharField(label="证书编号", max_length=64)
    name = forms.CharField(label="姓名", max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
        self.fields["number"].widget.attrs.update(autocomplete="off", inputmode="latin",
                                                  placeholder="如 S510151000123264000001")
