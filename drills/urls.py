from django.urls import path

from drills import views

app_name = "drills"
urlpatterns = [
    path("", views.drill_list, name="list"),
    path("new/", views.drill_create, name="create"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/", views.drill_detail, name="detail"),
    path("<int:pk>/edit/", views.drill_edit, name="edit"),
    path("<int:pk>/attachments/<int:file>/", views.attachment_download, name="attachment"),
]
