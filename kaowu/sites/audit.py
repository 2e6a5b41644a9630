"""The audit vocabulary of sites: sites, rooms, equipment, facility filings and unified-exam applications."""

from django.db import models


class SiteAction(models.TextChoices):
    SITE_CREATE = "site.create", "新增考点"
    SITE_UPDATE = "site.update", "修改考点"
    ROOM_CREATE = "room.create", "新增考场"
    ROOM_UPDATE = "room.update", "修改考场"
    STATION_CREATE = "station.create", "新增工位"
    EQUIPMENT_ADD = "equipment.add", "登记设施设备"
    FACILITY_FILING_CREATE = "facility_filing.create", "新建设施设备申报"
    FACILITY_FILING_UPDATE = "facility_filing.update", "修改设施设备申报"
    FACILITY_FILING_ATTACH = "facility_filing.attach", "上传申报附件"
    FACILITY_FILING_DETACH = "facility_filing.detach", "删除申报附件"
    FACILITY_FILING_SUBMIT = "facility_filing.submit", "提交设施设备申报"
    FACILITY_FILING_APPROVE = "facility_filing.approve", "确认设施设备申报"
    FACILITY_FILING_RETURN = "facility_filing.return", "退回设施设备申报"
    UNIFIED_APPLICATION_CREATE = "unified_application.create", "新建统考报名机构申请"
    UNIFIED_APPLICATION_UPDATE = "unified_application.update", "修改统考报名机构申请"
    UNIFIED_APPLICATION_SUBMIT = "unified_application.submit", "提交统考报名机构申请"
    UNIFIED_APPLICATION_APPROVE = "unified_application.approve", "批准统考报名机构申请"
    UNIFIED_APPLICATION_RETURN = "unified_application.return", "退回统考报名机构申请"
