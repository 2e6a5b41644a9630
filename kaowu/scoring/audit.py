"""The audit vocabulary of scoring: every action the scoring services write, one member each.

Score entry always wrote `scoring.*`; the release, the rechecks and the public query wrote `scores.*`. They
are one vocabulary now under `scoring.*` (issue #14), so that the audit list's prefix filter finds all of a
plan's scoring events at once. The retake keeps `application.retake`: it is an event of the new
application, read with the registration's events."""

from django.db import models


class ScoringAction(models.TextChoices):
    # score entry
    ATTENDANCE_RECORD = "scoring.attendance_record", "登记到考情况"
    SHEET_OPEN = "scoring.sheet_open", "开始评分表"
    SHEET_SAVE = "scoring.sheet_save", "保存评分"
    SHEET_SIGN = "scoring.sheet_sign", "评分表签名"
    ROOM_COMPILE = "scoring.room_compile", "考评组汇总成绩"
    SPREAD_SETTLE = "scoring.spread_settle", "组长裁定评分差"
    SUMMARY_UPLOAD = "scoring.summary_upload", "上传签名汇总表"
    SUMMARY_VIEW = "scoring.summary_view", "查看签名汇总表"
    SCORE_CHECK = "scoring.score_check", "成绩复核"
    SCORE_VERIFIED = "scoring.score_verified", "成绩复核一致"
    SCORE_REOPENED = "scoring.score_reopened", "成绩改动，待重新复核"
    MISMATCH_RESOLVE = "scoring.mismatch_resolve", "更正复核不一致"
    THEORY_IMPORT = "scoring.theory_import", "导入理论成绩"
    # the release
    RESULTS_COMPOSE = "scoring.results_compose", "合成考核结果"
    RELEASE_CREATE = "scoring.release_create", "建立成绩发布"
    RELEASE_SUBMIT = "scoring.release_submit", "上报成绩"
    RELEASE_APPROVE = "scoring.release_approve", "审核确认成绩"
    RELEASE_RETURN = "scoring.release_return", "退回成绩"
    RELEASE_PUBLISH = "scoring.release_publish", "公示成绩"
    RELEASE_FINALISE = "scoring.release_finalise", "确认最终成绩"
    SUMMARY_DOWNLOAD = "scoring.summary_download", "下载签名汇总表"
    # rechecks
    RECHECK_REQUEST = "scoring.recheck_request", "申请成绩复查"
    RECHECK_UPHOLD = "scoring.recheck_uphold", "复查维持原成绩"
    RECHECK_CORRECT = "scoring.recheck_correct", "复查更正成绩"
    SCORE_CORRECT = "scoring.score_correct", "更正科目成绩"
    # the public
    QUERY = "scoring.query", "公众查询成绩"
    # retakes
    RETAKE_APPLY = "application.retake", "补考报名"
