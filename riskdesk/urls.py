from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from riskdesk import twofactor_views, views
from riskdesk.signin import SignInForm
from riskdesk.twofactor import demo_without_second_factor

urlpatterns = [
    path("", include("reports.urls")),  # home, dashboard/, reports/ (names without namespace)
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=SignInForm,
            extra_context={"demo_without_second_factor": demo_without_second_factor},
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/two-factor/", include(twofactor_views)),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notifications_read_all"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("cases/", include("cases.urls")),
    path("supervision/", include("cases.urls_supervision")),
    path("", include("assessments.urls")),  # decisions/, agencies/, trainings/
    path("admin/", admin.site.urls),
]

handler400 = views.error_page("400.html", 400)
handler403 = views.error_page("403.html", 403)
handler404 = views.error_page("404.html", 404)
handler500 = views.error_page("500.html", 500)
