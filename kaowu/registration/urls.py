from django.urls import include, path

from kaowu.core.export_views import list_export_view
from kaowu.registration import views

urlpatterns = [
    path("applications/", views.application_list, name="application_list"),
    path("applications/export/", list_export_view("kaowu.registration.exports.APPLICATIONS"),
         name="application_export"),
    path("applications/import/", views.application_import_choose, name="application_import_choose"),
    path("applications/bulk/", views.application_bulk, name="application_bulk"),
    path("applications/<int:application_id>/", views.application_detail, name="application_detail"),
    path("applications/<int:application_id>/institution-review/", views.application_institution_review,
         name="application_institution_approve"),
    path("applications/<int:application_id>/center-review/", views.application_center_review,
         name="application_center_review"),
    path("applications/<int:application_id>/payment/", views.payment_record, name="payment_record"),
    path("refunds/", views.refund_list, name="refund_list"),
    path("refunds/<int:refund_id>/", views.refund_confirm, name="refund_confirm"),
    path("import/", include("kaowu.registration.imports.urls")),
    path("documents/", include("kaowu.registration.documents.urls")),
    path("changes/", include("kaowu.registration.changes.urls")),
]
