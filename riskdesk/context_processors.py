from dataclasses import dataclass
from functools import partial

from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from riskdesk import saved_views
from riskdesk.access import scope_of
from riskdesk.choices import Role
from riskdesk.notify import UNREAD_ATTR, unread_count
from riskdesk.replica import lag_seconds


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    section: str  # the first path segment that marks the item as current


def navigation(request):
    """The top navigation: only what the user's role may use.

    Each domain app contributes items through ``AppConfig.navigation(scope)``.
    """
    user = getattr(request, "user", None)
    scope = scope_of(user)
    inbox = {}
    if user is not None and user.is_authenticated:
        # A callable: templates call it when they show the badge, so pages that do not
        # (the admin site) run no query.
        inbox = {"unread_notifications": partial(_unread, request)}
    if scope.role is None:
        return {"nav_items": [], "scope": scope, **inbox}
    if scope.role in (Role.STAFF, Role.SUPERVISOR, Role.ADMIN):
        items = [NavItem(_("Dashboard"), reverse("dashboard"), "dashboard")]
    else:
        items = [NavItem(_("Home"), reverse("home"), "")]
    for config in apps.get_app_configs():
        contribute = getattr(config, "navigation", None)
        if callable(contribute):
            items.extend(contribute(scope))
    views = {}
    if scope.role in (Role.STAFF, Role.SUPERVISOR, Role.ADMIN):
        items.append(NavItem(_("Saved views"), reverse("saved_views:index"), "views"))
        # a callable, from the session: no page reads the views again (saved_views)
        views = {"nav_views": partial(saved_views.nav_views, request)}
    if scope.is_admin:
        items.append(NavItem(_("Administration"), reverse("admin:index"), "admin"))
    current = request.path.strip("/").split("/", 1)[0]
    return {"nav_items": items, "nav_current": current, "scope": scope, **inbox, **views}


def _unread(request) -> int:
    """The unread count for the inbox badge: read with the user at the start of the
    request (riskdesk.backends), else one COUNT per request, however many templates are
    rendered with the request."""
    cached = getattr(request, "_riskdesk_unread", None)
    if cached is None:
        cached = getattr(request.user, UNREAD_ATTR, None)
        if cached is None:
            cached = unread_count(request.user)
        request._riskdesk_unread = cached
    return cached


def replica_lag(request):
    """How far behind the read replica was, on a page that read from it, when that is
    more than REPLICA_LAG_NOTICE_SECONDS (measured once per request: riskdesk.replica)."""
    lag = lag_seconds()
    if lag is None or lag <= settings.REPLICA_LAG_NOTICE_SECONDS:
        return {}
    return {"replica_lag_seconds": round(lag)}
