from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskDeskConfig(AppConfig):
    name = "riskdesk"
    verbose_name = _("RiskDesk")
