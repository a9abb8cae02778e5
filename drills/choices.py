from django.db import models
from django.utils.translation import gettext_lazy as _


class DrillKind(models.TextChoices):
    MASS_INCIDENT = "mass_incident", _("Mass incident")
    FIRE = "fire", _("Fire")
    FLOOD = "flood", _("Flood control")
    PUBLIC_HEALTH = "public_health", _("Public health")
    EARTHQUAKE = "earthquake", _("Earthquake")
    OTHER = "other", _("Other")
