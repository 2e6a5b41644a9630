"""The public score query's form."""

from django import forms

from kaowu.core.forms import bootstrap


class ScoreQueryForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    id_number = forms.CharField(label="证件号码", max_length=32)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
