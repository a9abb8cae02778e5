from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Risk cases")

    def ready(self):
        # The background export/import task lives beside the export and import code;
        # Celery's autodiscovery only imports tasks.py, so register it here.
        from cases import jobs  # noqa: F401

    def navigation(self, scope):
        from django.urls import reverse

        from riskdesk.choices import Role
        from riskdesk.context_processors import NavItem

        if scope.role in (Role.STAFF, Role.SUPERVISOR, Role.ADMIN):
            items = [
                NavItem(_("Cases"), reverse("cases:list"), "cases"),
                NavItem(_("Supervision"), reverse("supervision:list"), "supervision"),
            ]
            if scope.is_supervisor:  # the clusters page is theirs (cases.views.links)
                items.append(NavItem(_("Linked cases"), reverse("cases:clusters"),
                                     "cases/clusters"))
            return items
        return []

    def seed_demo(self, stdout):
        from cases.demo import seed

        seed(stdout=stdout)
