"""Forms of the staff registry pages. They only parse input; registry.services checks the rules and saves."""

from django import forms

from kaowu.accounts.models import Organisation
from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.catalog.models.catalogue import LEVEL_LABELS
from kaowu.core.forms import bootstrap
from kaowu.staffing.models import StaffRelation
from kaowu.staffing.registry.services import ROLE_LABELS, roles_allowed

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffForm(forms.Form):
    """A person of the registry of `organisation`; the role boxes offered are the ones that registry may hold."""

    name = forms.CharField(label="姓名", max_length=40)
    id_number = forms.CharField(label="身份证号", max_length=18, help_text="18位居民身份证号码，末位可为X")
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    employer = forms.ModelChoiceField(label="工作单位（系统内机构）", queryset=Organisation.objects.none(),
                                      required=False, empty_label="（不在本系统内）",
                                      help_text="在本系统内的机构请选择，派遣时据此回避本单位考生")
    employer_name = forms.CharField(label="工作单位", max_length=120, required=False,
                                    help_text="不在本系统内的单位请填写名称；选择了系统内机构时可留空")
    region_code = forms.CharField(label="常住地行政区划代码", max_length=6, help_text="6位数字，如 510104（锦江区）")
    roles = forms.MultipleChoiceField(label="角色", widget=forms.CheckboxSelectMultiple, choices=())

    def __init__(self, *args, organisation: Organisation, employers, with_active: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(key, ROLE_LABELS[key]) for key in roles_allowed(organisation)]
        self.fields["employer"].queryset = employers
        if with_active:
            self.fields["is_active"] = forms.BooleanField(label="在册（取消后不再派遣）", required=False)
        bootstrap(self)
        # CheckboxSelectMultiple renders its own inputs; the Bootstrap class goes on each of them.
        self.fields["roles"].widget.attrs["class"] = "form-check-input"


class CardForm(forms.Form):
    occupation = forms.ModelChoiceField(label="考评职业（工种）", required=False,
                                        queryset=Occupation.objects.filter(is_active=True),
                                        empty_label="（选择职业）")
    level = forms.TypedChoiceField(label="最高考评等级", coerce=int, required=False, empty_value=None,
                                   choices=[("", "（等级）"), *sorted(LEVEL_LABELS.items(), reverse=True)])
    special_item = forms.ModelChoiceField(label="或 专项职业能力考核项目", required=False,
                                          queryset=SpecialItem.objects.filter(is_active=True),
                                          empty_label="（选择专项项目）")
    number = forms.CharField(label="考评员证号", max_length=40)
    valid_until = forms.DateField(label="有效期至", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="card", **kwargs)
        bootstrap(self)


class AvailabilityForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    available = forms.TypedChoiceField(label="当日", coerce=lambda v: v == "1", initial="1",
                                       choices=[("1", "可以工作"), ("0", "不能工作")])
    note = forms.CharField(label="说明", max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="availability", **kwargs)
        bootstrap(self)


class TrainingClassForm(forms.Form):
    name = forms.CharField(label="培训班名称", max_length=120)
    institution = forms.ModelChoiceField(label="培训机构", queryset=Organisation.objects.none(), required=False,
                                         empty_label="（不在本系统内）")
    starts_on = forms.DateField(label="开班日期", widget=DATE, required=False)
    ends_on = forms.DateField(label="结业日期", widget=DATE, required=False)
    candidates = forms.CharField(label="学员身份证号", widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text="每行一个；须为已登记的考生。考培分离（R-FJ-7）：授课人不参与这些学员所在批次的考务")

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, prefix="training", **kwargs)
        self.fields["institution"].queryset = institutions
        bootstrap(self)


class RelationForm(forms.Form):
    candidate = forms.CharField(label="考生身份证号", max_length=32)
    kind = forms.ChoiceField(label="关系", choices=StaffRelation.Kind.choices)
    note = forms.CharField(label="说明", max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="relation", **kwargs)
        bootstrap(self)
