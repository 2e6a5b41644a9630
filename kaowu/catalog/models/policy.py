"""政策配置: the numbers the rules of RULES.md check against, one profile per province (DESIGN.md §4).

Rules are code; their parameters live here. A later issue that needs a new number adds a field
here (with the `national` value as its default, and the value and source of every preset in
kaowu/catalog/data/policy_presets.json), adds it to PARAMETER_GROUPS and to STRICTER or
NO_DIRECTION, and reads it through kaowu.catalog.policy.policy_active().
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from kaowu.core.models import BaseModel

AT_LEAST_ONE = [MinValueValidator(1)]
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class PolicyPreset(models.TextChoices):
    NATIONAL = "national", "全国默认"
    SICHUAN = "sichuan", "四川"
    FUJIAN = "fujian", "福建"
    LIAONING = "liaoning", "辽宁"
    CHONGQING = "chongqing", "重庆"


class PolicyProfile(BaseModel):
    """One province's rule parameters. Exactly one profile is active per deployment.

    Write only through kaowu.catalog.policy (policy_profile_update / policy_profile_activate):
    they check the role and write the audit event.
    """

    name = models.CharField("名称", max_length=80)
    preset = models.CharField(
        "预置方案", max_length=20, choices=PolicyPreset.choices, unique=True,
        help_text="由哪套预置参数生成；预置参数及其出处见 kaowu/catalog/data/policy_presets.json",
    )
    description = models.TextField("说明", blank=True)
    is_active = models.BooleanField("当前启用", default=False, help_text="同一部署只能启用一套政策配置")

    # 场地 (sites and rooms)
    theory_room_capacity = models.PositiveSmallIntegerField(
        "理论考场每室人数上限", default=30, validators=AT_LEAST_ONE,
        help_text="R-CQ-6：理论考场30人/考室，单人单桌",
    )
    min_candidate_spacing_m = models.DecimalField(
        "考生最小间距（米）", max_digits=3, decimal_places=2, default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="R-CQ-6 四周间距大于80厘米；R-SC21-2 应试人员间隔不小于1米",
    )
    site_slot_candidate_cap = models.PositiveSmallIntegerField(
        "同一考点同一时段考生上限", default=40, validators=AT_LEAST_ONE,
        help_text="R-SC21-2：同一考点同一批次同一时间段应试人员不多于40人",
    )
    site_slot_person_cap = models.PositiveSmallIntegerField(
        "同一考点同一时段总人数上限", default=50, validators=AT_LEAST_ONE,
        help_text="R-SC21-2：考生加上所有工作人员（含督导人员）不多于50人",
    )
    facility_filing_workdays = models.PositiveSmallIntegerField(
        "设施设备申报提前工作日", default=10, validators=AT_LEAST_ONE,
        help_text="R-FJ-2：场地和设施设备电子资料开考前10个工作日发送至鉴定指导中心",
    )
    facility_first_time_confirmation_required = models.BooleanField(
        "首次考核项目须经中心确认场地", default=True,
        help_text="R-FJ-2：首次组织考核的项目，场地设施经中心审核确认后方可报名（另见 R-SC24-6 技术核验）",
    )
    room_setup_days_before = models.PositiveSmallIntegerField(
        "考场布置提前天数", default=1,
        help_text="R-FJ-6：各考场应在考试前1天完成场地布置",
    )

    # 计划 (plans and calendar)
    plan_filing_workdays = models.PositiveSmallIntegerField(
        "计划报备提前工作日", default=10, validators=AT_LEAST_ONE,
        help_text="R-CQ-1：认定计划提前10个工作日向市职鉴中心报备",
    )
    announcement_lead_months = models.PositiveSmallIntegerField(
        "公告提前月数", default=2, validators=AT_LEAST_ONE,
        help_text="R-CQ-2：须提前2个月发布技能等级认定公告",
    )
    daily_exams_per_month = models.PositiveSmallIntegerField(
        "日常考核每月次数", default=2, validators=AT_LEAST_ONE,
        help_text="R-SC24-1：日常考核原则上每月组织2次",
    )
    unified_exams_per_month = models.PositiveSmallIntegerField(
        "分级统考每月次数", default=1, validators=AT_LEAST_ONE,
        help_text="R-SC24-1：分级统考原则上每月组织1次",
    )
    exam_completion_days = models.PositiveSmallIntegerField(
        "考核完成期限（日）", default=7, validators=AT_LEAST_ONE,
        help_text="R-SC24-13：按计划表开始日期7日内完成考核",
    )

    # 报名 (registration)
    photo_width_px = models.PositiveSmallIntegerField(
        "照片宽度（像素）", default=90, validators=AT_LEAST_ONE, help_text="R-FJ-4：像素大小90×110×24b",
    )
    photo_height_px = models.PositiveSmallIntegerField(
        "照片高度（像素）", default=110, validators=AT_LEAST_ONE, help_text="R-FJ-4：像素大小90×110×24b",
    )
    photo_max_kb = models.PositiveSmallIntegerField(
        "照片大小上限（KB）", default=20, validators=AT_LEAST_ONE, help_text="R-FJ-4：jpg 文件，小于20K",
    )

    # 考务人员 (staffing)
    min_assessors_per_practical_room = models.PositiveSmallIntegerField(
        "实操考场最少考评员人数", default=3, validators=AT_LEAST_ONE,
        help_text="R-SC21-3：每个实际操作考场至少配备考评人员3名，设考评组长1名",
    )
    stations_per_assessor = models.PositiveSmallIntegerField(
        "每名考评员最多负责工位数", default=5, validators=AT_LEAST_ONE,
        help_text="R-SC21-3：考评人员人数与考核工位数比例按国家职业技能标准确定（标准通行为考评人员与考生1:5）",
    )
    invigilators_per_room = models.PositiveSmallIntegerField(
        "每考场监考员人数", default=2, validators=AT_LEAST_ONE,
        help_text="R-FJ-7：每个考场一般安排2名监考员",
    )
    assessor_arrival_minutes_before = models.PositiveSmallIntegerField(
        "考评人员提前到场（分钟）", default=60,
        help_text="R-FJ-19 考评人员开考前30分钟到考场；R-SC21-7 所有考务管理人员提前一小时到达",
    )
    paper_collection_days_before = models.PositiveSmallIntegerField(
        "督导员提前领卷天数", default=1,
        help_text="R-FJ-9：考核前一天质量督导人员凭派遣表领取试卷",
    )

    # 考场实施 (conduct)
    entry_minutes_before = models.PositiveSmallIntegerField(
        "考生提前入场（分钟）", default=30,
        help_text="R-FJ-16：考前30分钟考生凭准考证、有效证件进入候考区",
    )
    gather_minutes_before = models.PositiveSmallIntegerField(
        "考生集合抽签（开考前分钟）", default=15,
        help_text="R-FJ-16：考前15分钟考生到指定地点集合，抽取工位",
    )
    no_leave_minutes = models.PositiveSmallIntegerField(
        "开考后禁止离场（分钟）", default=30,
        help_text="R-FJ-16：开考30分钟后，方可出考核区",
    )
    online_candidates_per_proctor = models.PositiveSmallIntegerField(
        "线上考试每名监考员考生数", default=50, validators=AT_LEAST_ONE,
        help_text="R-LN-2：线上人工监考，监考比例约为1:50",
    )
    health_check_required = models.BooleanField(
        "入场健康检测", default=False,
        help_text="R-SC21-7：入场测量体温，体温异常者可复测，设隔离室（疫情防控期间的要求，按需启用）",
    )
    health_temperature_limit_c = models.DecimalField(
        "入场体温上限（℃）", max_digits=3, decimal_places=1, default=Decimal("37.0"),
        validators=[MinValueValidator(Decimal("35.0")), MaxValueValidator(Decimal("38.5"))],
        help_text="R-SC21-7：体温低于37℃方可进入考室（仅在启用入场健康检测时适用）",
    )
    supervision_report_workdays = models.PositiveSmallIntegerField(
        "督导情况表提交期限（工作日）", default=1, validators=AT_LEAST_ONE,
        help_text="R-FJ-20：督导后第一个工作日将督导情况表上交",
    )

    # 成绩 (scoring and results)
    score_report_workdays = models.PositiveSmallIntegerField(
        "成绩上报期限（考试后工作日）", default=3, validators=AT_LEAST_ONE,
        help_text="R-FJ-10：鉴定站在考试结束3个工作日内完成成绩上报",
    )
    score_confirmation_workdays = models.PositiveSmallIntegerField(
        "中心审核确认成绩期限（工作日）", default=3, validators=AT_LEAST_ONE,
        help_text="R-FJ-10：中心在成绩上报后3个工作日内审核确认",
    )
    result_publication_workdays = models.PositiveSmallIntegerField(
        "成绩公示期限（考试后工作日）", default=10, validators=AT_LEAST_ONE,
        help_text="R-CQ-12：认定结果在考试结束10个工作日后公示（按最迟公示期限执行）",
    )
    publication_min_workdays = models.PositiveSmallIntegerField(
        "公示期最少工作日", default=5, validators=AT_LEAST_ONE,
        help_text="R-CQ-12、R-CQ-14：公示期不少于5个工作日",
    )
    appeal_window_months = models.PositiveSmallIntegerField(
        "成绩异议核查申请期限（月）", default=1, validators=AT_LEAST_ONE,
        help_text="R-CQ-12：对成绩有异议的可在公示后1个月内申请核查",
    )
    recheck_window_days = models.PositiveSmallIntegerField(
        "成绩复查申请期限（日）", default=10, validators=AT_LEAST_ONE,
        help_text="R-FJ-11：成绩公布10日内提出复查申请，只核对漏登、错登、错统",
    )
    retake_validity_years = models.PositiveSmallIntegerField(
        "合格科目成绩有效期（年）", default=1, validators=AT_LEAST_ONE,
        help_text="R-CQ-13：合格成绩有效期限为1年",
    )
    retakes_allowed = models.PositiveSmallIntegerField(
        "有效期内补考次数", default=1,
        help_text="R-CQ-13：有效期内可申请1次未合格科目的补考",
    )
    assessor_score_spread_max = models.DecimalField(
        "考评员评分差上限（分）", max_digits=5, decimal_places=2, default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="R-CQ-11：同一考生各考评员评分之差超过此值时，由考评组长裁定并记录理由（各地文件未定数，全国默认）",
    )
    score_entry_double_signature_required = models.BooleanField(
        "成绩登记须专人校对签字", default=True,
        help_text="R-CQ-11：成绩登记和统计必须有专人校对、签字负责",
    )
    grade_excellent_min = models.PositiveSmallIntegerField(
        "“优秀”最低分", default=90, validators=PERCENT, help_text="R-FJ-12：90分以上证书注明成绩优秀",
    )
    grade_good_min = models.PositiveSmallIntegerField(
        "“良好”最低分", default=80, validators=PERCENT, help_text="R-FJ-12：80-89分证书注明成绩良好",
    )
    grade_pass_min = models.PositiveSmallIntegerField(
        "“合格”最低分", default=60, validators=PERCENT, help_text="R-FJ-12：60-79分证书注明成绩合格",
    )

    # 证书 (certificates)
    certificate_replacement_fee = models.DecimalField(
        "证书补办工本费（元）", max_digits=8, decimal_places=2, default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="R-FJ-15：鉴定指导中心收取10元证书补办工本费",
    )
    certificate_replacement_workdays = models.PositiveSmallIntegerField(
        "证书补办期限（工作日）", default=15, validators=AT_LEAST_ONE,
        help_text="R-FJ-15：15个工作日完成证书补办",
    )

    # 档案 (archive and retention)
    retention_paper_materials_years = models.PositiveSmallIntegerField(
        "考务纸质材料保存（年）", default=3, validators=AT_LEAST_ONE,
        help_text="R-SC24-10：纸质材料保管不少于3年",
    )
    retention_candidate_materials_years = models.PositiveSmallIntegerField(
        "考生考核资料保存（年）", default=3, validators=AT_LEAST_ONE,
        help_text="R-FJ-13 考生考核资料保存2年；R-SC24-10 纸质材料不少于3年",
    )
    retention_process_video_years = models.PositiveSmallIntegerField(
        "考核过程视频保存（年）", default=5, validators=AT_LEAST_ONE,
        help_text="R-SC24-10：考核过程视频材料保管不少于5年",
    )
    retention_surveillance_months = models.PositiveSmallIntegerField(
        "考场监控录像保存（月）", default=6, validators=AT_LEAST_ONE,
        help_text="R-FJ-13：监控电子信息从考核之日起保存半年",
    )
    retention_papers_years = models.PositiveSmallIntegerField(
        "试卷、答案、评分记录保存（年）", default=3, validators=AT_LEAST_ONE,
        help_text="R-CQ-9b：试卷、答案、评分记录表、草稿纸及考件回收并保存三年",
    )
    archive_report_interval_days = models.PositiveSmallIntegerField(
        "归档数据报送周期（日）", default=15, validators=AT_LEAST_ONE,
        help_text="R-SC24-9：归档数据实行半月报送制度",
    )

    # 监管 (oversight)
    station_suspension_min_months = models.PositiveSmallIntegerField(
        "违规站点整顿期下限（月）", default=3, validators=AT_LEAST_ONE,
        help_text="R-FJ-14：限期3至6个月整顿，整顿期内不得开展考核",
    )
    station_suspension_max_months = models.PositiveSmallIntegerField(
        "违规站点整顿期上限（月）", default=6, validators=AT_LEAST_ONE,
        help_text="R-FJ-14：限期3至6个月整顿，整顿期内不得开展考核",
    )

    class Meta:
        verbose_name = "政策配置"
        verbose_name_plural = "政策配置"
        ordering = ["-is_active", "preset"]
        constraints = [
            # A partial unique index: SQLite and PostgreSQL both enforce it.
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="policyprofile_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（当前启用）" if self.is_active else self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.site_slot_person_cap is not None and self.site_slot_candidate_cap is not None \
                and self.site_slot_person_cap < self.site_slot_candidate_cap:
            errors["site_slot_person_cap"] = "总人数上限不能小于考生上限（R-SC21-2）"
        bands = (self.grade_excellent_min, self.grade_good_min, self.grade_pass_min)
        if None not in bands and not bands[0] > bands[1] > bands[2]:
            errors["grade_good_min"] = "成绩等次应满足 优秀 > 良好 > 合格（R-FJ-12）"
        if self.station_suspension_min_months is not None and self.station_suspension_max_months is not None \
                and self.station_suspension_min_months > self.station_suspension_max_months:
            errors["station_suspension_max_months"] = "整顿期上限不能小于下限（R-FJ-14）"
        if errors:
            raise ValidationError(errors)


# The admin's fieldsets and the presets file follow these areas; every parameter is in one.
PARAMETER_GROUPS: list[tuple[str, list[str]]] = [
    ("场地", [
        "theory_room_capacity", "min_candidate_spacing_m", "site_slot_candidate_cap", "site_slot_person_cap",
        "facility_filing_workdays", "facility_first_time_confirmation_required", "room_setup_days_before",
    ]),
    ("计划", [
        "plan_filing_workdays", "announcement_lead_months", "daily_exams_per_month", "unified_exams_per_month",
        "exam_completion_days",
    ]),
    ("报名", ["photo_width_px", "photo_height_px", "photo_max_kb"]),
    ("考务人员", [
        "min_assessors_per_practical_room", "stations_per_assessor", "invigilators_per_room",
        "assessor_arrival_minutes_before",
        "paper_collection_days_before",
    ]),
    ("考场实施", [
        "entry_minutes_before", "gather_minutes_before", "no_leave_minutes", "online_candidates_per_proctor",
        "health_check_required", "health_temperature_limit_c", "supervision_report_workdays",
    ]),
    ("成绩", [
        "score_report_workdays", "score_confirmation_workdays", "result_publication_workdays",
        "publication_min_workdays", "appeal_window_months", "recheck_window_days", "retake_validity_years",
        "retakes_allowed", "assessor_score_spread_max", "score_entry_double_signature_required",
        "grade_excellent_min", "grade_good_min",
        "grade_pass_min",
    ]),
    ("证书", ["certificate_replacement_fee", "certificate_replacement_workdays"]),
    ("档案", [
        "retention_paper_materials_years", "retention_candidate_materials_years", "retention_process_video_years",
        "retention_surveillance_months", "retention_papers_years", "archive_report_interval_days",
    ]),
    ("监管", ["station_suspension_min_months", "station_suspension_max_months"]),
]

PARAMETER_FIELDS: list[str] = [name for _, names in PARAMETER_GROUPS for name in names]

# Which way is stricter, where there is a direction: "higher" (a longer lead time or retention, a
# larger minimum, True for a requirement) or "lower" (a smaller cap, a shorter deadline). The
# `national` preset must be at least as strict as every province on these.
STRICTER: dict[str, str] = {
    "theory_room_capacity": "lower",
    "min_candidate_spacing_m": "higher",
    "site_slot_candidate_cap": "lower",
    "site_slot_person_cap": "lower",
    "facility_filing_workdays": "higher",
    "facility_first_time_confirmation_required": "higher",
    "room_setup_days_before": "higher",
    "plan_filing_workdays": "higher",
    "announcement_lead_months": "higher",
    "exam_completion_days": "lower",
    "min_assessors_per_practical_room": "higher",
    "stations_per_assessor": "lower",
    "invigilators_per_room": "higher",
    "assessor_arrival_minutes_before": "higher",
    "entry_minutes_before": "higher",
    "gather_minutes_before": "higher",
    "no_leave_minutes": "higher",
    "online_candidates_per_proctor": "lower",
    "health_temperature_limit_c": "lower",
    "supervision_report_workdays": "lower",
    "score_report_workdays": "lower",
    "score_confirmation_workdays": "lower",
    "result_publication_workdays": "lower",
    "publication_min_workdays": "higher",
    "appeal_window_months": "higher",
    "recheck_window_days": "higher",
    "score_entry_double_signature_required": "higher",
    "assessor_score_spread_max": "lower",
    "certificate_replacement_workdays": "lower",
    "retention_paper_materials_years": "higher",
    "retention_candidate_materials_years": "higher",
    "retention_process_video_years": "higher",
    "retention_surveillance_months": "higher",
    "retention_papers_years": "higher",
    "archive_report_interval_days": "lower",
    "station_suspension_min_months": "higher",
    "station_suspension_max_months": "higher",
}

# Parameters that set a rhythm, a format or a band rather than a bar to clear.
NO_DIRECTION: frozenset[str] = frozenset({
    "daily_exams_per_month", "unified_exams_per_month",  # the calendar's rhythm (R-SC24-1)
    "photo_width_px", "photo_height_px", "photo_max_kb",  # a file format (R-FJ-4)
    "paper_collection_days_before",  # earlier is not safer for papers (R-FJ-9)
    "health_check_required",  # an epidemic measure, switched on when needed (R-SC21-7)
    "retake_validity_years", "retakes_allowed",  # a candidate's entitlement (R-CQ-13)
    "grade_excellent_min", "grade_good_min", "grade_pass_min",  # labels on a passed certificate (R-FJ-12)
    "certificate_replacement_fee",  # a fee (R-FJ-15)
})
