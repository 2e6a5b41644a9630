from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "kaowu.staffing"
    label = "staffing"
    verbose_name = "考务人员派遣与试卷保管"

    def ready(self):
        # The dispatch follows sessions an approved plan change moved (R-CQ-8), in the change's transaction.
        from kaowu.plans.signals import sessions_moved
        from kaowu.staffing.dispatch.services import on_sessions_moved

        sessions_moved.connect(on_sessions_moved, dispatch_uid="staffing.dispatch_follow_session_moves")
