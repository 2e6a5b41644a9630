"""Candidate self-service forms. Forms only parse input; registration.services checks the rules."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from kaowu.accounts.models import Role, User
from kaowu.catalog.eligibility.rules import normalise_major
from kaowu.catalog.models.catalogue import LEVEL_LABELS
from kaowu.core.forms import bootstrap
from kaowu.registration.models import ApplicationDocument, EducationLevel, Gender, IdType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The schools, statuses and certificate kinds the eligibility engine knows (docs/eligibility.md).
SCHOOLS = ["技工学校", "中等职业学校", "高级技工学校", "技师学院", "高等职业学校", "大学专科", "大学本科",
           "硕士研究生", "博士研究生"]
EDUCATION_STATUSES = [("毕业", "已毕业"), ("应届", "应届毕业生"), ("在校", "在校生")]
CERTIFICATE_KINDS = ["技能等级", "职业资格", "预备技师"]
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# What each allowed suffix must start with: the upload is untrusted and is served back to reviewers.
DOCUMENT_MAGIC = {".pdf": (b"%PDF",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
                  ".png": (b"\x89PNG\r\n\x1a\n",)}


class SignupForm(forms.Form):
    id_type = forms.ChoiceField(label="证件类型", choices=IdType.choices, initial=IdType.RESIDENT)
    id_number = forms.CharField(label="证件号码", max_length=32,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
                                help_text="居民身份证号码将用作登录用户名；出生日期和性别从号码中读取。")
    name = forms.CharField(label="姓名", max_length=40, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    birth_date = forms.DateField(label="出生日期", required=False, widget=DATE,
                                 help_text="使用居民身份证以外的证件时填写。")
    gender = forms.ChoiceField(label="性别", required=False, choices=[("", "—"), *Gender.choices],
                               help_text="使用居民身份证以外的证件时填写。")
    phone = forms.CharField(label="手机号", max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}))
    password1 = forms.CharField(label="密码", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text="至少10个字符，须包含大写字母、小写字母、数字、符号中的至少三类。")
    password2 = forms.CharField(label="确认密码", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    education = forms.ChoiceField(label="文化程度", choices=EducationLevel.choices)
    address = forms.CharField(label="通讯地址", max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    postal_code = forms.CharField(label="邮政编码", max_length=6, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}))
    employer = forms.CharField(label="工作单位", max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean_id_number(self) -> str:
        return "".join(self.cleaned_data["id_number"].split()).upper()

    def clean(self):
        data = super().clean()
        if data.get("id_type") and data["id_type"] != IdType.RESIDENT:
            for field, label in (("birth_date", "出生日期"), ("gender", "性别")):
                if not data.get(field):
                    self.add_error(field, f"使用{IdType(data['id_type']).label}时请填写{label}")
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "两次输入的密码不一致")
        elif password1 and data.get("id_number"):
            # The same checks as user_create, shown next to the field before anything is saved.
            probe = User(username=data["id_number"], full_name=data.get("name", ""), phone=data.get("phone", ""),
                         role=Role.CANDIDATE)
            try:
                validate_password(password1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def candidate_data(self) -> dict:
        """The keyword arguments of registration.services.candidate_create."""
        data = self.cleaned_data
        fields = ["id_type", "id_number", "name", "phone", "education", "address", "postal_code", "employer"]
        result = {name: data[name] for name in fields}
        if data["id_type"] != IdType.RESIDENT:
            result.update(birth_date=data["birth_date"], gender=data["gender"])
        return result


class ApplyForm(forms.Form):
    """The item, and optionally one period of work, one certificate and one education entry,
    mapped to the profile format of docs/eligibility.md."""

    item = forms.ModelChoiceField(label="报考项目", queryset=None, empty_label=None, widget=forms.RadioSelect)
    work_occupation = forms.CharField(label="从事的职业（工种）", max_length=60, required=False,
                                      help_text="从目录中选择或输入后选择，如“育婴员”；目录以外的名称不计入工作年限。")
    work_start = forms.DateField(label="开始日期", required=False, widget=DATE)
    work_end = forms.DateField(label="结束日期", required=False, widget=DATE, help_text="仍在从事的留空。")
    cert_occupation = forms.CharField(label="证书职业（工种）", max_length=60, required=False,
                                      help_text="证书上的职业（工种）名称，从目录中选择。")
    cert_level = forms.TypedChoiceField(label="证书等级", required=False, coerce=int, empty_value=None,
                                        choices=[("", "—"), *sorted(LEVEL_LABELS.items(), reverse=True)])
    cert_kind = forms.ChoiceField(label="证书类别", required=False,
                                  choices=[("", "—"), *[(k, k) for k in CERTIFICATE_KINDS]])
    cert_issued_on = forms.DateField(label="发证日期", required=False, widget=DATE)
    edu_school = forms.ChoiceField(label="学历层次", required=False, choices=[("", "—"), *[(s, s) for s in SCHOOLS]])
    edu_major = forms.CharField(label="专业", max_length=60, required=False,
                                help_text="从列表中选择所学专业；列表以外的专业不按本专业或相关专业计入。")
    edu_status = forms.ChoiceField(label="毕业情况", required=False, choices=[("", "—"), *EDUCATION_STATUSES])
    edu_graduated_on = forms.DateField(label="毕业日期", required=False, widget=DATE)

    # The fields typed as names of the catalogue: (field, datalist id, what the name is, what it costs).
    NAME_FIELDS = (("work_occupation", "occupation-options", "occupations", "目录中的职业（工种）名称",
                    "该段工作年限未计入"),
                   ("cert_occupation", "occupation-options", "occupations", "目录中的职业（工种）名称",
                    "该证书未计入"),
                   ("edu_major", "major-options", "majors", "目录中的专业名称", "未按本专业或相关专业计入"))

    def __init__(self, *args, items, names: dict[str, list[str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.names = names or {"occupations": [], "majors": []}
        bootstrap(self)
        self.fields["item"].widget.attrs["class"] = "form-check-input"
        for name, datalist, kind, what, cost in self.NAME_FIELDS:
            # The browser's own search of the list as one types; kaowu/names.js warns next to the field.
            self.fields[name].widget.attrs.update({"list": datalist, "autocomplete": "off", "data-name-kind": kind,
                                                   "data-name-warning": f"不是{what}，{cost}"})
            self.fields[name].name_check = True

    def name_warnings(self) -> dict[str, str]:
        """Field → 「“X”不是目录中的职业（工种）名称，该段工作年限未计入」 for every typed name the catalogue
        does not know, also kept on each field for the page (`field.name_warning`). A warning only: the form
        still saves (the eligibility result repeats it)."""
        data = getattr(self, "cleaned_data", None) or {}
        out = {}
        for name, _datalist, kind, what, cost in self.NAME_FIELDS:
            value = (data.get(name) or "").strip() if data else (self.data.get(name) or "").strip()
            key = normalise_major(value) if kind == "majors" else value
            if value and key not in set(self.names[kind]):
                out[name] = f"“{value}”不是{what}，{cost}"
            self.fields[name].name_warning = out.get(name, "")
        return out

    def clean(self):
        data = super().clean()
        if data.get("work_occupation") or data.get("work_start"):
            if not data.get("work_occupation"):
                self.add_error("work_occupation", "请填写从事的职业（工种）")
            if not data.get("work_start"):
                self.add_error("work_start", "请填写开始日期")
            elif data.get("work_end") and data["work_end"] < data["work_start"]:
                self.add_error("work_end", "结束日期不能早于开始日期")
        if any(data.get(f) for f in ("cert_occupation", "cert_level", "cert_kind", "cert_issued_on")):
            for field, label in (("cert_occupation", "证书职业（工种）"), ("cert_kind", "证书类别"),
                                 ("cert_issued_on", "发证日期")):
                if not data.get(field):
                    self.add_error(field, f"请填写{label}")
            if data.get("cert_kind") and data["cert_kind"] != "预备技师" and not data.get("cert_level"):
                self.add_error("cert_level", "请选择证书等级")
        if any(data.get(f) for f in ("edu_school", "edu_major", "edu_status", "edu_graduated_on")):
            for field, label in (("edu_school", "学历层次"), ("edu_status", "毕业情况")):
                if not data.get(field):
                    self.add_error(field, f"请选择{label}")
            if data.get("edu_status") == "毕业" and not data.get("edu_graduated_on"):
                self.add_error("edu_graduated_on", "已毕业的请填写毕业日期")
        return data

    def profile(self) -> dict:
        data = self.cleaned_data
        profile: dict = {}
        if data.get("work_occupation"):
            profile["work"] = [{"occupation": data["work_occupation"], "start": data["work_start"].isoformat(),
                                "end": data["work_end"].isoformat() if data.get("work_end") else None}]
        if data.get("cert_occupation"):
            profile["certificates"] = [{"occupation": data["cert_occupation"], "level": data.get("cert_level"),
                                        "issued_on": data["cert_issued_on"].isoformat(), "kind": data["cert_kind"]}]
        if data.get("edu_school"):
            graduated = data.get("edu_graduated_on")
            profile["education"] = [{"school": data["edu_school"], "major": data.get("edu_major", ""),
                                     "status": data["edu_status"],
                                     "graduated_on": graduated.isoformat() if graduated else None}]
        return profile


class PhotoForm(forms.Form):
    photo = forms.FileField(label="照片", help_text="彩色证件照，JPG 或 PNG；系统自动裁剪为规定尺寸并压缩。",
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="材料类别", choices=ApplicationDocument.Kind.choices)
    file = forms.FileField(label="文件", help_text="PDF、JPG 或 PNG，不超过10MB。",
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
    title = forms.CharField(label="论文题目", max_length=60, required=False,
                            help_text="仅上传综合评审论文时填写；论文须为 PDF，系统按 级别+身份证号+姓名+题目 命名。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in DOCUMENT_MAGIC:
            raise ValidationError("只能上传 PDF、JPG 或 PNG 文件")
        if upload.size > DOCUMENT_MAX_BYTES:
            raise ValidationError("文件不能超过10MB")
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(DOCUMENT_MAGIC[suffix]):
            raise ValidationError("文件内容与扩展名不符，请上传 PDF、JPG 或 PNG 文件")
        return upload


class CommitmentForm(forms.Form):
    commitment = forms.BooleanField(label="我已阅读并承诺", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回原因", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
