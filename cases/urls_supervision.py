"""Supervision orders (督办单), served under /supervision/: the list in the user's scope,
one order's page, and the small POST steps on it."""

from django.urls import path

from cases import views

app_name = "supervision"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("<int:pk>/", views.order_detail, name="order"),
    path("<int:pk>/acknowledge/", views.order_acknowledge, name="acknowledge"),
    path("<int:pk>/answer/", views.order_answer, name="answer"),
    path("<int:pk>/close/", views.order_close, name="close"),
    path("<int:pk>/return/", views.order_return, name="return"),
    path("<int:pk>/extension/", views.extension_request, name="extension"),
    path("<int:pk>/extension/<int:extension>/decide/", views.extension_decide, name="decide"),
]
