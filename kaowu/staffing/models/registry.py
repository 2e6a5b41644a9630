"""The staff registry: people with roles and cards, availability, training classes taught, relations."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from kaowu.catalog.models.catalogue import LEVEL_LABELS, LEVEL_VALIDATORS, OCCUPATION_LEVEL_OR_SPECIAL_ITEM
from kaowu.core.models import BaseModel


class StaffMember(BaseModel):
    """A person who can be dispatched. Held in the registry of `organisation`: a center (assessors,
    supervisors, paper custodians) or an institution (its chief examiners and invigilators). Personal
    information (ID number, phone): scope every read to the registry's organisation and its parents."""

    organisation = models.ForeignKey("accounts.Organisation", verbose_name="登记机构", on_delete=models.PROTECT,
                                     related_name="staff")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="staff_member")
    name = models.CharField("姓名", max_length=40)
    id_number = models.CharField("身份证号", max_length=18)
    phone = models.CharField("手机号", max_length=20, blank=True,
                             validators=[RegexValidator(r"^1\d{10}$", "手机号应为以1开头的11位数字")])
    employer = models.ForeignKey("accounts.Organisation", verbose_name="工作单位（系统内机构）", null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="employees")
    employer_name = models.CharField("工作单位", max_length=120, blank=True)
    region_code = models.CharField("常住地行政区划代码", max_length=6,
                                   validators=[RegexValidator(r"^\d{6}$", "行政区划代码应为6位数字")])
    is_assessor = models.BooleanField("考评员", default=False)
    is_supervisor = models.BooleanField("督导员", default=False)
    is_invigilator = models.BooleanField("监考员", default=False)
    is_chief = models.BooleanField("主考", default=False)
    is_custodian = models.BooleanField("试卷保管员", default=False)
    is_active = models.BooleanField("在册", default=True)

    class Meta:
        verbose_name = "考务人员"
        verbose_name_plural = "考务人员"
        ordering = ["organisation_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "id_number"], name="staff_id_number_unique_per_registry"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def roles(self) -> list[str]:
        """Solver role names (kaowu.staffing.solver.ROLES) this person holds."""
        flags = {"chief": self.is_chief, "invigilator": self.is_invigilator, "assessor": self.is_assessor,
                 "supervisor": self.is_supervisor}
        return [role for role, held in flags.items() if held]


class AssessorCard(BaseModel):
    """考评员证: an occupation (up to a highest level; 1 = 一级 is the highest) or a special item."""

    staff = models.ForeignKey(StaffMember, verbose_name="人员", on_delete=models.CASCADE, related_name="cards")
    occupation = models.ForeignKey("catalog.Occupation", verbose_name="职业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField("最高考评等级", choices=sorted(LEVEL_LABELS.items()), null=True,
                                             blank=True, validators=LEVEL_VALIDATORS)
    special_item = models.ForeignKey("catalog.SpecialItem", verbose_name="专项项目", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    number = models.CharField("考评员证号", max_length=40, unique=True)
    valid_until = models.DateField("有效期至", help_text="R-SC24-8：证件过期不得派遣")

    class Meta:
        verbose_name = "考评员证"
        verbose_name_plural = "考评员证"
        ordering = ["staff_id", "number"]
        constraints = [
            models.CheckConstraint(condition=OCCUPATION_LEVEL_OR_SPECIAL_ITEM,
                                   name="assessor_card_is_for_an_occupation_level_or_a_special_item"),
        ]

    def __str__(self) -> str:
        return self.number


class StaffAvailability(BaseModel):
    """A date the person can (`available`) or cannot work. With any "can" dates, those are the only ones."""

    staff = models.ForeignKey(StaffMember, verbose_name="人员", on_delete=models.CASCADE,
                              related_name="availability")
    date = models.DateField("日期")
    available = models.BooleanField("可以工作", default=False)
    note = models.CharField("说明", max_length=120, blank=True)

    class Meta:
        verbose_name = "可派遣日期"
        verbose_name_plural = "可派遣日期"
        ordering = ["staff_id", "date"]
        constraints = [models.UniqueConstraint(fields=["staff", "date"], name="staff_availability_unique")]


class TrainingClass(BaseModel):
    """A training class the person taught (考培分离, R-FJ-7): nobody who trained candidates of a batch
    works in that batch, in any role."""

    staff = models.ForeignKey(StaffMember, verbose_name="授课人", on_delete=models.CASCADE,
                              related_name="training_classes")
    institution = models.ForeignKey("accounts.Organisation", verbose_name="培训机构", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    name = models.CharField("培训班名称", max_length=120)
    starts_on = models.DateField("开班日期", null=True, blank=True)
    ends_on = models.DateField("结业日期", null=True, blank=True)
    candidates = models.ManyToManyField("registration.Candidate", verbose_name="学员", blank=True,
                                        related_name="training_classes")

    class Meta:
        verbose_name = "培训授课记录"
        verbose_name_plural = "培训授课记录"
        ordering = ["staff_id", "-starts_on"]

    def __str__(self) -> str:
        return self.name


class StaffRelation(BaseModel):
    """A declared relation to a candidate (回避, R-FJ-19): never their assessor or supervisor."""

    class Kind(models.TextChoices):
        RELATIVE = "relative", "近亲属"
        COLLEAGUE = "colleague", "同事"
        TEACHER = "teacher", "师生"
        OTHER = "other", "其他利害关系"

    staff = models.ForeignKey(StaffMember, verbose_name="人员", on_delete=models.CASCADE, related_name="relations")
    candidate = models.ForeignKey("registration.Candidate", verbose_name="考生", on_delete=models.CASCADE,
                                  related_name="staff_relations")
    kind = models.CharField("关系", max_length=20, choices=Kind.choices)
    note = models.CharField("说明", max_length=120, blank=True)

    class Meta:
        verbose_name = "回避关系"
        verbose_name_plural = "回避关系"
        constraints = [models.UniqueConstraint(fields=["staff", "candidate"], name="staff_relation_unique")]
