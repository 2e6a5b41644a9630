from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "kaowu.staffing"
    label = "staffing"
    verbose_name = "考务人员派遣与试卷保管"
