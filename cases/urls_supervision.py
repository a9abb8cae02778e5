"""Supervision orders (督办单), served under /supervision/: the list in the user's scope,
one order's page, and the small POST steps on it."""

from django.urls import path

from cases.views import orders

app_name = "supervision"
urlpatterns = [
    path("", orders.order_list, name="list"),
    path("columns/", orders.order_columns, name="columns"),
    path("export.csv", orders.export_csv, name="export_csv"),
    path("export.xlsx", orders.export_xlsx, name="export_xlsx"),
    path("<int:pk>/", orders.order_detail, name="order"),
    path("<int:pk>/acknowledge/", orders.order_acknowledge, name="acknowledge"),
    path("<int:pk>/answer/", orders.order_answer, name="answer"),
    path("<int:pk>/close/", orders.order_close, name="close"),
    path("<int:pk>/return/", orders.order_return, name="return"),
    path("<int:pk>/extension/", orders.extension_request, name="extension"),
    path("<int:pk>/extension/<int:extension>/decide/", orders.extension_decide, name="decide"),
]
