from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("District staff")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")
