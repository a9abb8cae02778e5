from django.urls import path

from webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("new/", views.subscription_create, name="create"),
    path("<int:pk>/", views.subscription_detail, name="detail"),
    path("<int:pk>/edit/", views.subscription_edit, name="edit"),
    path("<int:pk>/switch/", views.subscription_switch, name="switch"),
    path("<int:pk>/test/", views.subscription_test, name="test"),
    path("<int:pk>/deliveries/<int:delivery>/again/", views.delivery_again, name="again"),
]
