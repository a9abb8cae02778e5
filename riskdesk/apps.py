from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskDeskConfig(AppConfig):
    name = "riskdesk"
    verbose_name = _("RiskDesk")

    def ready(self):
        from riskdesk import signin  # noqa: F401  (connects the sign-in audit receivers)
