"""The decisions (/decisions/), the agency registry (/agencies/, with its public
application form) and the training sessions (/trainings/): one module, three namespaces."""

from django.urls import include, path

from assessments import views

decisions = [
    path("", views.decision_list, name="list"),
    path("columns/", views.decision_columns, name="columns"),
    path("export.csv", views.decision_export_csv, name="export_csv"),
    path("export.xlsx", views.decision_export_xlsx, name="export_xlsx"),
    path("new/", views.decision_create, name="create"),
    path("<int:pk>/", views.decision_detail, name="detail"),
    path("<int:pk>/assessment/start/", views.decision_start, name="start"),
    path("<int:pk>/assessment/agency/", views.decision_assign, name="assign"),
    path("<int:pk>/assessment/notice/", views.record_notice, name="notice"),
    path("<int:pk>/assessment/risks/", views.record_risk, name="risk"),
    path("<int:pk>/assessment/expert-review/", views.record_expert_review, name="expert_review"),
    path("<int:pk>/assessment/survey/", views.record_survey, name="survey"),
    path("<int:pk>/assessment/report/", views.upload_report, name="report_upload"),
    path("<int:pk>/assessment/report/download/", views.report_download, name="report"),
    path("<int:pk>/assessment/conclude/", views.conclude, name="conclude"),
    path("<int:pk>/assessment/score/", views.score, name="score"),
    path("<int:pk>/decided/", views.mark_decided, name="decided"),
    path("<int:pk>/outcome/", views.record_outcome, name="outcome"),
    path("<int:pk>/cases/", views.link_case, name="link_case"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/comment/", views.comment, name="comment"),
]

agencies = [
    path("", views.agency_list, name="list"),
    path("apply/", views.agency_apply, name="apply"),
    path("<int:pk>/", views.agency_detail, name="detail"),
    path("<int:pk>/step/<str:step>/", views.agency_step, name="step"),
    path("<int:pk>/violations/", views.agency_violation, name="violation"),
    path("<int:pk>/documents/<int:doc>/", views.agency_document, name="document"),
]

trainings = [
    path("", views.training_list, name="list"),
    path("new/", views.training_create, name="create"),
]

urlpatterns = [
    path("decisions/", include((decisions, "decisions"))),
    path("agencies/", include((agencies, "agencies"))),
    path("trainings/", include((trainings, "trainings"))),
]
