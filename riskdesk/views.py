
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from riskdesk import health, notify, sso
from riskdesk.choices import ADDRESS_ONLY_KINDS, Delivery, NoticeKind
from riskdesk.models import Notification
from riskdesk.signin import SignInForm, record_sign_out
from riskdesk.sso import cas
from riskdesk.sso import views as sso_views
from riskdesk.twofactor import demo_without_second_factor


@login_not_required
@never_cache
@require_GET
@transaction.non_atomic_requests
def healthz(request):
    """This node's name and its services in JSON: 200 while the database and the broker
    answer (a replica, the cache or the file store down is reported, not fatal), 503
    naming what is down otherwise."""
    healthy, report = health.status()
    return JsonResponse(report, status=200 if healthy else 503)


def error_page(template, status):
    """Error pages in the base layout.

    The 500 page renders without context processors (no user, no database), so it still
    shows when the database is what failed.
    """

    @login_not_required
    def view(request, exception=None):
        if status >= 500:
            body = loader.get_template(template).render({"request_path": request.path})
            return HttpResponseServerError(body)
        return render(request, template, status=status)

    return view


# ---------------------------------------------------------------- notifications
INBOX_PAGE_SIZES = (10, 25, 50, 100)
INBOX_FILTERS = (("all", gettext_lazy("All")), ("unread", gettext_lazy("Unread")))


def safe_next(request, url: str, fallback: str) -> str:
    """``url`` if it stays on this site, else ``fallback`` (no open redirects)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


@require_GET
def notification_list(request):
    """The signed-in user's notices, newest first; ``?show=unread`` for unread only."""
    show = request.GET.get("show")
    show = show if show in dict(INBOX_FILTERS) else "all"
    notices = Notification.objects.filter(user=request.user)
    if show == "unread":
        notices = notices.unread()
    try:
        per_page = int(request.GET.get("per_page", 25))
    except ValueError:
        per_page = 25
    per_page = per_page if per_page in INBOX_PAGE_SIZES else 25
    page = Paginator(notices.order_by("-created_at", "-id"), per_page).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "riskdesk/notifications.html", {
        "page": page,
        "entries": [(notice, notify.render(notice)) for notice in page.object_list],
        "show": show,
        "filters": INBOX_FILTERS,
        "query": query.urlencode(),
        "per_page": per_page,
        "page_sizes": INBOX_PAGE_SIZES,
    })


@require_POST
def notification_read(request, pk):
    """Mark one of the user's notices read, then go to what it is about.

    With a ``next`` field (the "Mark as read" button) go back there instead.
    """
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    notify.mark_read(notice)
    inbox = reverse("notifications")
    if "next" in request.POST:
        return redirect(safe_next(request, request.POST["next"], inbox))
    return redirect(safe_next(request, notice.url, inbox))


@require_POST
def notification_read_all(request):
    count = notify.mark_all_read(request.user)
    if count:
        messages.success(request, ngettext(
            "%(count)s notice marked as read.", "%(count)s notices marked as read.", count
        ) % {"count": count})
    inbox = reverse("notifications")
    return redirect(safe_next(request, request.POST.get("next", ""), inbox))


class NotificationSettingsForm(forms.Form):
    """One choice of e-mail delivery per kind of notice."""

    def __init__(self, *args, initial_deliveries, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NoticeKind:
            if kind in ADDRESS_ONLY_KINDS:
                continue
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, widget=forms.RadioSelect,
                initial=initial_deliveries[kind.value],
            )


@require_http_methods(["GET", "POST"])
def notification_settings(request):
    current = notify.deliveries_for(request.user)
    data = request.POST if request.method == "POST" else None
    form = NotificationSettingsForm(data, initial_deliveries=current)
    if request.method == "POST" and form.is_valid():
        notify.save_deliveries(request.user, form.cleaned_data)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notification_settings")
    return render(request, "riskdesk/notification_settings.html", {"form": form})


class SignInView(auth_views.LoginView):
    """The sign-in page: the password form (throttled, ``SignInForm``) and, when single
    sign-on is configured, the way to the city's identity platform with the reason of a
    refused sign-on (``?sso=<reason>``)."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason = self.request.GET.get("sso", "")
        context.update({
            "sso_enabled": sso.enabled(),
            "cas_enabled": cas.enabled(),
            "sso_only": settings.OIDC_ONLY,
            "sso_refusal": sso_views.refusal(reason),
            "sso_ask": reason in sso_views.ASK_FOR_ACCESS,
            "sso_contact": settings.OIDC_HELP_CONTACT,
            "demo_without_second_factor": demo_without_second_factor(),
        })
        return context


class SignOutView(auth_views.LogoutView):
    """Sign-out: ends the RiskDesk session and, after a single sign-on, the identity
    platform's session too where it offers that (RP-initiated logout; CAS logout)."""

    def post(self, request, *args, **kwargs):
        if cas.signed_in_through(request):
            return cas.logout(request)
        provider_url = sso_views.provider_sign_out_url(request)
        record_sign_out(request)
        response = super().post(request, *args, **kwargs)
        return redirect(provider_url) if provider_url else response
