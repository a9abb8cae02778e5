from django.urls import path, register_converter

from cases import views


class ReferenceConverter:
    regex = r"RC-\d{4}-\d{5,}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ReferenceConverter, "ref")

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("import/", views.case_import, name="import"),
    path("import/template.csv", views.import_template, {"suffix": "csv"},
         name="import_template_csv"),
    path("import/template.xlsx", views.import_template, {"suffix": "xlsx"},
         name="import_template_xlsx"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("<ref:reference>/", views.case_detail, name="detail"),
    path("<ref:reference>/edit/", views.case_edit, name="edit"),
    path("<ref:reference>/follow-ups/new/", views.follow_up_create, name="follow_up"),
    path("<ref:reference>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<ref:reference>/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("<ref:reference>/status/<str:name>/", views.case_transition, name="transition"),
    path("<ref:reference>/reveal/<str:name>/", views.reveal_contact, name="reveal"),
    # Supervision orders: issued from the case page; their own pages live under
    # /supervision/ (cases/urls_supervision.py). This address is the model's
    # get_absolute_url() (used in notices) and leads to the order's page.
    path("<ref:reference>/orders/new/", views.order_issue, name="order_issue"),
    path("<ref:reference>/orders/<int:pk>/", views.order_redirect, name="order"),
]
