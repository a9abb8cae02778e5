from django.urls import path

import cases.urls  # noqa: F401  (registers the "ref" path converter: RC-2026-00042)
from api import assessments, case_children, pages, stats, views

app_name = "api"
urlpatterns = [
    path("v1/schema/", views.SchemaView.as_view(), name="schema"),
    path("v1/docs/", pages.docs, name="docs"),
    path("v1/cases/", views.CaseViewSet.as_view({"get": "list", "post": "create"}),
         name="case-list"),
    path("v1/cases/<ref:reference>/",
         views.CaseViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
         name="case-detail"),
    path("v1/cases/<ref:reference>/transitions/",
         views.CaseViewSet.as_view({"post": "transitions"}), name="case-transitions"),
    path("v1/cases/<ref:reference>/follow-ups/",
         case_children.FollowUpViewSet.as_view({"get": "list", "post": "create"}),
         name="case-follow-ups"),
    path("v1/cases/<ref:reference>/attachments/",
         case_children.AttachmentViewSet.as_view({"get": "list", "post": "create"}),
         name="case-attachments"),
    path("v1/cases/<ref:reference>/attachments/<int:pk>/download/",
         case_children.AttachmentViewSet.as_view({"get": "download"}),
         name="case-attachment-download"),
    path("v1/cases/<ref:reference>/reveal/",
         case_children.RevealViewSet.as_view({"post": "create"}), name="case-reveal"),
    path("v1/districts/", views.DistrictViewSet.as_view({"get": "list"}), name="district-list"),
    path("v1/categories/", views.CategoryViewSet.as_view({"get": "list"}),
         name="category-list"),
    path("v1/decisions/", assessments.DecisionViewSet.as_view({"get": "list"}),
         name="decision-list"),
    path("v1/decisions/<int:pk>/", assessments.DecisionViewSet.as_view({"get": "retrieve"}),
         name="decision-detail"),
    path("v1/decisions/<int:pk>/report/",
         assessments.DecisionViewSet.as_view({"get": "report"}), name="decision-report"),
    path("v1/agencies/", assessments.AgencyViewSet.as_view({"get": "list"}),
         name="agency-list"),
    path("v1/agencies/<int:pk>/", assessments.AgencyViewSet.as_view({"get": "retrieve"}),
         name="agency-detail"),
    path("v1/stats/", stats.StatsView.as_view(), name="stats"),
]
