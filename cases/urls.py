from django.urls import path, register_converter

from cases.views import bulk, cases, columns, exports, follow_ups, imports, jobs, links, orders


class ReferenceConverter:
    regex = r"RC-\d{4}-\d{5,}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ReferenceConverter, "ref")

app_name = "cases"
urlpatterns = [
    path("", cases.case_list, name="list"),
    path("new/", cases.case_create, name="create"),
    path("columns/", columns.case_columns, name="columns"),
    path("bulk/", bulk.case_bulk, name="bulk"),
    path("export.csv", exports.export_csv, name="export_csv"),
    path("export.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("import/", imports.case_import, name="import"),
    path("import/template.csv", imports.import_template, {"suffix": "csv"},
         name="import_template_csv"),
    path("import/template.xlsx", imports.import_template, {"suffix": "xlsx"},
         name="import_template_xlsx"),
    path("clusters/", links.cluster_list, name="clusters"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job"),
    path("jobs/<int:pk>/download/", jobs.job_download, name="job_download"),
    path("<ref:reference>/", cases.case_detail, name="detail"),
    path("<ref:reference>/edit/", cases.case_edit, name="edit"),
    path("<ref:reference>/follow-ups/new/", follow_ups.follow_up_create, name="follow_up"),
    path("<ref:reference>/attachments/", follow_ups.attachment_upload, name="attachment_upload"),
    path("<ref:reference>/attachments/<int:pk>/", follow_ups.attachment_download,
         name="attachment"),
    path("<ref:reference>/status/<str:name>/", cases.case_transition, name="transition"),
    path("<ref:reference>/reveal/<str:name>/", cases.reveal_contact, name="reveal"),
    path("<ref:reference>/links/", links.case_link, name="link"),
    path("<ref:reference>/links/<int:pk>/remove/", links.case_unlink, name="unlink"),
    path("<ref:reference>/merge/", links.case_merge, name="merge"),
    # Supervision orders: issued from the case page; their own pages live under
    # /supervision/ (cases/urls_supervision.py). This address is the model's
    # get_absolute_url() (used in notices) and leads to the order's page.
    path("<ref:reference>/orders/new/", orders.order_issue, name="order_issue"),
    path("<ref:reference>/orders/<int:pk>/", orders.order_redirect, name="order"),
]
