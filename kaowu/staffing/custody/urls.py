from django.urls import path

from kaowu.core.export_views import list_export_view
from kaowu.staffing.custody import views

urlpatterns = [
    path("", views.custody_home, name="custody_home"),
    path("export/", list_export_view("kaowu.staffing.custody.exports.PACKAGES"), name="custody_export"),
    path("plans/<int:plan_id>/", views.custody_plan, name="custody_plan"),
    path("plans/<int:plan_id>/packages/new/", views.custody_package_register, name="custody_package_register"),
    path("packages/<int:package_id>/", views.custody_package, name="custody_package"),
    path("packages/<int:package_id>/handover/", views.custody_handover_record, name="custody_handover_record"),
    path("packages/<int:package_id>/leak/", views.custody_leak_report, name="custody_leak_report"),
    path("packages/<int:package_id>/chain.pdf", views.custody_chain_pdf_view, name="custody_chain_pdf"),
    path("leaks/<int:report_id>/resolve/", views.custody_leak_resolve, name="custody_leak_resolve"),
]
