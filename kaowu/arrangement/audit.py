"""The arrangement app's audit vocabulary: every action its services write (values as they always were)."""

from django.db import models


class ArrangementAction(models.TextChoices):
    RUN = "arrangement.run", "考场编排"
    TICKETS_PUBLISH = "arrangement.tickets_publish", "发布准考证"
    TICKET_WITHDRAWN = "arrangement.ticket_withdrawn", "准考证作废"
    SEATS_EXPORT = "arrangement.seats_export", "导出座位表"
    DOCUMENT_DOWNLOAD = "arrangement.document_download", "下载考务文档"
    ROSTER_EXPORT = "arrangement.roster_export", "导出考生名单"
    CHECKIN = "arrangement.checkin", "准考证核验签到"
    CHECKIN_FAILED = "arrangement.checkin_failed", "准考证核验失败"
    STATION_DRAW = "arrangement.station_draw", "工位抽签"
