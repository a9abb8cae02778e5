from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from riskdesk.signals import announced
        from webhooks.emit import record

        announced.connect(record, dispatch_uid="webhooks.record")

    def navigation(self, scope):
        from django.urls import reverse

        from riskdesk.context_processors import NavItem

        if scope.is_admin or scope.is_supervisor:
            return [NavItem(_("Webhooks"), reverse("webhooks:list"), "integrations")]
        return []
