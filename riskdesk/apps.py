from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskDeskConfig(AppConfig):
    name = "riskdesk"
    verbose_name = _("RiskDesk")

    def ready(self):
        # connect the sign-in audit receivers, and what a sign-in owes (a second factor)
        from riskdesk import signin, twofactor  # noqa: F401
