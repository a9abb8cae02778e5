from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskDeskConfig(AppConfig):
    name = "riskdesk"
    verbose_name = _("RiskDesk")

    def ready(self):
        from django.apps import apps

        from riskdesk import signin  # noqa: F401  (connects the sign-in audit receivers)
        from riskdesk.db import quick_choice_labels

        quick_choice_labels(
            model for label in ("riskdesk", "cases", "assessments")
            for model in apps.get_app_config(label).get_models())
