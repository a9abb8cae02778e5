from django.urls import path

from assessments import views

app_name = "agencies"
urlpatterns = [
    path("", views.agency_list, name="list"),
    path("apply/", views.agency_apply, name="apply"),
    path("<int:pk>/", views.agency_detail, name="detail"),
    path("<int:pk>/step/<str:step>/", views.agency_step, name="step"),
    path("<int:pk>/violations/", views.agency_violation, name="violation"),
    path("<int:pk>/documents/<int:doc>/", views.agency_document, name="document"),
]
