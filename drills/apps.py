from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "drills"
    verbose_name = _("Emergency drills")

    def navigation(self, scope):
        from django.urls import reverse

        from riskdesk.choices import Role
        from riskdesk.context_processors import NavItem

        if scope.role in (Role.STAFF, Role.SUPERVISOR, Role.ADMIN):
            return [NavItem(_("Drills"), reverse("drills:list"), "drills")]
        return []
