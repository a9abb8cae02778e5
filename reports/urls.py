"""Included without a namespace: the names ``home``, ``dashboard``, ``summary`` and
``summary_docx`` stay the project's own."""

from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/summary/", views.summary, name="summary"),
    path("reports/summary.docx", views.summary_docx, name="summary_docx"),
    path("reports/security-periods/", views.security_periods, name="security_periods"),
]
