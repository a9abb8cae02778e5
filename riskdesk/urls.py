from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from riskdesk import twofactor_views, views
from riskdesk.sso import cas
from riskdesk.sso import views as sso_views

urlpatterns = [
    path("", include("reports.urls")),  # home, dashboard/, reports/ (names without namespace)
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/sso/login/", sso_views.start, name="sso_login"),
    path("accounts/sso/callback/", sso_views.callback, name="sso_callback"),
    path("accounts/cas/login/", cas.login, name="cas_login"),  # also the ticket's way back
    path("accounts/cas/logout/", cas.logout, name="cas_logout"),
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
    path("accounts/api-tokens/", include("api.urls_tokens")),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notifications_read_all"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("views/", include("riskdesk.saved_view_pages")),
    path("cases/", include("cases.urls")),
    path("supervision/", include("cases.urls_supervision")),
    path("drills/", include("drills.urls")),
    path("", include("assessments.urls")),  # decisions/, agencies/, trainings/
    path("integrations/webhooks/", include("webhooks.urls")),
    path("api/", include("api.urls")),  # the REST API, v1 (README "Integrations")
    path("admin/", admin.site.urls),
]

handler400 = views.error_page("400.html", 400)
handler403 = views.error_page("403.html", 403)
handler404 = views.error_page("404.html", 404)
handler500 = views.error_page("500.html", 500)
