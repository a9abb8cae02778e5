from django.urls import path

import cases.urls  # noqa: F401  (registers the "ref" path converter: RC-2026-00042)
from api import pages, views

app_name = "api"
urlpatterns = [
    path("v1/schema/", views.SchemaView.as_view(), name="schema"),
    path("v1/docs/", pages.docs, name="docs"),
    path("v1/cases/", views.CaseViewSet.as_view({"get": "list", "post": "create"}),
         name="case-list"),
    path("v1/cases/<ref:reference>/",
         views.CaseViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
         name="case-detail"),
    path("v1/cases/<ref:reference>/personal-data/<str:name>/",
         views.CaseViewSet.as_view({"get": "reveal"}), name="case-reveal"),
    path("v1/cases/<ref:reference>/transitions/",
         views.CaseViewSet.as_view({"post": "transitions"}), name="case-transitions"),
    path("v1/districts/", views.DistrictViewSet.as_view({"get": "list"}), name="district-list"),
    path("v1/categories/", views.CategoryViewSet.as_view({"get": "list"}),
         name="category-list"),
]
