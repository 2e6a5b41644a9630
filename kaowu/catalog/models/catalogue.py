"""What can be examined: occupations and special items, their schemes, subjects and fees."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from kaowu.core.models import BaseModel

LEVEL_LABELS = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"}
LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


# A scheme or a fee belongs either to an occupation at a level or to a special item, never both.
OCCUPATION_LEVEL_OR_SPECIAL_ITEM = (
    Q(occupation__isnull=False, level__isnull=False, special_item__isnull=True)
    | Q(occupation__isnull=True, level__isnull=True, special_item__isnull=False)
)


class AssessmentType(models.TextChoices):
    QUALIFICATION = "qualification", "职业技能鉴定"
    SKILL_LEVEL = "skill_level", "职业技能等级认定"
    SPECIAL_ABILITY = "special_ability", "专项职业能力考核"


class SubjectKind(models.TextChoices):
    THEORY = "theory", "理论知识"
    PRACTICAL = "practical", "操作技能/专业能力"
    REVIEW = "review", "综合评审"


class AnswerMode(models.TextChoices):
    COMPUTER = "computer", "上机考试"
    PAPER = "paper", "纸笔作答"
    THESIS = "thesis", "提交论文"
    HANDS_ON = "hands_on", "实际操作"
    ORAL = "oral", "答辩/口试"


# How a subject is scored follows from how it is answered, whatever its kind or the room it is held in: work
# done before the assessors (hands-on, an oral defence, a thesis they review) is scored by an assessor group
# on signed sheets (R-CQ-11); answers on computers or on paper are marked and their scores imported, like a
# theory paper (辽宁 附件2: 企业人力资源管理师's 专业能力 is a 上机考试).
ASSESSOR_SCORED_MODES = frozenset({AnswerMode.HANDS_ON, AnswerMode.ORAL, AnswerMode.THESIS})


def answer_mode_scored_by_assessors(answer_mode: str) -> bool:
    return answer_mode in ASSESSOR_SCORED_MODES


class Occupation(BaseModel):
    """职业（工种）in the national classification (职业分类大典), e.g. 4-07-03-02 of the 2015 edition."""

    code = models.CharField(
        "职业编码", max_length=16,
        validators=[RegexValidator(r"^\d-\d{2}-\d{2}-\d{2}(-\d{2})?$", "职业编码格式应为 X-XX-XX-XX")],
    )
    edition = models.CharField("分类大典版本", max_length=8, default="2015")
    name = models.CharField("职业名称", max_length=80)
    levels = models.JSONField("开设等级", default=list, help_text="1 一级/高级技师 … 5 五级/初级工")
    assessment_types = models.JSONField("评价方式", default=list)
    eligibility_rules = models.CharField(
        "申报条件规则文件", max_length=80, blank=True,
        help_text="kaowu/catalog/eligibility/rules/ 下的文件名（不含 .json）",
    )
    source = models.CharField("依据", max_length=120, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "职业（工种）"
        verbose_name_plural = "职业（工种）"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["code", "edition"], name="occupation_code_edition_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def level_labels(self) -> list[str]:
        return [LEVEL_LABELS[level] for level in sorted(self.levels, reverse=True)]


class SpecialItem(BaseModel):
    """专项职业能力考核项目. `is_unified` items are examined in the graded unified exams (R-SC24-1)."""

    code = models.CharField("项目编码", max_length=32, unique=True)
    name = models.CharField("项目名称", max_length=80)
    is_unified = models.BooleanField("纳入分级统考", default=False)
    region_code = models.CharField("发布地区", max_length=6, default="510000")
    source = models.CharField("依据", max_length=120, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "专项职业能力考核项目"
        verbose_name_plural = "专项职业能力考核项目"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Scheme(BaseModel):
    """考核方案: the subjects of one occupation at one level, or of one special item (R-LN-4)."""

    occupation = models.ForeignKey(
        Occupation, verbose_name="职业", null=True, blank=True, on_delete=models.PROTECT, related_name="schemes"
    )
    level = models.PositiveSmallIntegerField("等级", null=True, blank=True, validators=LEVEL_VALIDATORS)
    special_item = models.ForeignKey(
        SpecialItem, verbose_name="专项项目", null=True, blank=True, on_delete=models.PROTECT, related_name="schemes"
    )
    name = models.CharField("方案名称", max_length=120)
    source = models.CharField("依据", max_length=120, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["occupation__code", "-level", "special_item__code"]
        constraints = [
            models.CheckConstraint(
                condition=OCCUPATION_LEVEL_OR_SPECIAL_ITEM,
                name="scheme_is_for_an_occupation_level_or_a_special_item",
            ),
            models.UniqueConstraint(fields=["occupation", "level", "name"], name="scheme_occupation_level_unique"),
            models.UniqueConstraint(fields=["special_item", "name"], name="scheme_special_item_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Subject(BaseModel):
    """科目: one part of a scheme examined and scored on its own (theory, practical, review)."""

    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", on_delete=models.CASCADE, related_name="subjects")
    order = models.PositiveSmallIntegerField("顺序", default=1)
    kind = models.CharField("科目类别", max_length=20, choices=SubjectKind.choices)
    name = models.CharField("鉴定内容", max_length=40, help_text="如 理论知识、专业能力、技能操作、综合评审")
    question_types = models.CharField("题型", max_length=80, blank=True)
    question_count = models.PositiveIntegerField("题量", null=True, blank=True)
    answer_mode = models.CharField("答题方式", max_length=20, choices=AnswerMode.choices)
    duration_minutes = models.PositiveIntegerField("时长（分钟）", null=True, blank=True)
    full_marks = models.DecimalField("满分", max_digits=6, decimal_places=2, default=Decimal("100"))
    pass_mark = models.DecimalField("合格分", max_digits=6, decimal_places=2, default=Decimal("60"))
    weight = models.DecimalField(
        "权重", max_digits=5, decimal_places=4, default=Decimal("1"),
        help_text="本科目在方案总成绩中的权重；各科目单独合格的方案均为 1（100%）",
    )

    class Meta:
        verbose_name = "科目"
        verbose_name_plural = "科目"
        ordering = ["scheme", "order"]
        constraints = [models.UniqueConstraint(fields=["scheme", "order"], name="subject_order_unique")]

    def __str__(self) -> str:
        return f"{self.scheme.name} · {self.name}"

    @property
    def scored_by_assessors(self) -> bool:
        """Scored by an assessor group on signed sheets, rather than imported (see ASSESSOR_SCORED_MODES)."""
        return answer_mode_scored_by_assessors(self.answer_mode)


class SubjectPart(BaseModel):
    """A weighted part of a subject's score, e.g. 职业道德 10% + 理论知识 90% of the theory paper."""

    subject = models.ForeignKey(Subject, verbose_name="科目", on_delete=models.CASCADE, related_name="parts")
    order = models.PositiveSmallIntegerField("顺序", default=1)
    name = models.CharField("组成部分", max_length=40)
    full_marks = models.DecimalField("分值", max_digits=6, decimal_places=2)
    weight = models.DecimalField("权重", max_digits=5, decimal_places=4)

    class Meta:
        verbose_name = "科目组成"
        verbose_name_plural = "科目组成"
        ordering = ["subject", "order"]
        constraints = [models.UniqueConstraint(fields=["subject", "order"], name="subject_part_order_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.weight:.0%}"


class Fee(BaseModel):
    """收费标准: the fee for one subject (or the whole item when `subject_kind` is blank) in a region."""

    region_code = models.CharField("地区", max_length=6, validators=[RegexValidator(r"^\d{6}$", "地区代码应为6位数字")])
    occupation = models.ForeignKey(Occupation, verbose_name="职业", null=True, blank=True, on_delete=models.PROTECT)
    level = models.PositiveSmallIntegerField("等级", null=True, blank=True, validators=LEVEL_VALIDATORS)
    special_item = models.ForeignKey(
        SpecialItem, verbose_name="专项项目", null=True, blank=True, on_delete=models.PROTECT
    )
    subject_kind = models.CharField("科目类别", max_length=20, choices=SubjectKind.choices, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    valid_from = models.DateField("生效日期")
    basis = models.CharField("收费依据", max_length=120, blank=True)

    class Meta:
        verbose_name = "收费标准"
        verbose_name_plural = "收费标准"
        ordering = ["region_code", "occupation", "level", "special_item", "subject_kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=OCCUPATION_LEVEL_OR_SPECIAL_ITEM,
                name="fee_is_for_an_occupation_level_or_a_special_item",
            ),
            models.UniqueConstraint(
                fields=["region_code", "occupation", "level", "special_item", "subject_kind", "valid_from"],
                name="fee_unique_per_region_item_subject_date",
            ),
        ]

    def __str__(self) -> str:
        item = f"{self.occupation.name} {self.level}级" if self.occupation_id else str(self.special_item)
        return f"{self.region_code} {item} {self.get_subject_kind_display() or '全部'} {self.amount}元"
