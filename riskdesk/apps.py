from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskDeskConfig(AppConfig):
    name = "riskdesk"
    verbose_name = _("RiskDesk")

    def ready(self):
        # connect the sign-in audit receivers, what a sign-in owes (a second factor), the
        # single sign-on's deploy check, the deploy checks for several web nodes, the
        # navigation's saved views and the read replica's start of each request/task
        from riskdesk import checks, replica, saved_views, signin, sso, twofactor  # noqa: F401
