from django.urls import path

from assessments import views

app_name = "trainings"
urlpatterns = [
    path("", views.training_list, name="list"),
    path("new/", views.training_create, name="create"),
]
