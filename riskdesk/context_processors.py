from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from riskdesk.access import scope_of


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
    if scope.role is None:
        return {"nav_items": [], "scope": scope}
    items = [NavItem(_("Home"), reverse("home"), "")]
    for config in apps.get_app_configs():
        contribute = getattr(config, "navigation", None)
        if callable(contribute):
            items.extend(contribute(scope))
    if scope.is_admin:
        items.append(NavItem(_("Administration"), reverse("admin:index"), "admin"))
    current = request.path.strip("/").split("/", 1)[0]
    return {"nav_items": items, "nav_current": current, "scope": scope}
