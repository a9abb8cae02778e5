"""Training sessions for assessment staff and who attended them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models.agencies import Agency
from riskdesk.models import District


class Training(models.Model):
    """A training session for assessment staff."""

    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    trainer = models.CharField(_("trainer"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_date_topic", fields=["date", "topic"]
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.topic}"


class Attendance(models.Model):
    """Someone who attended a training: agency staff or district staff, by their user
    account where they have one (``user``), else by name with their district or agency."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="trainings_attended", verbose_name=_("user account"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances",
        verbose_name=_("agency"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("district"),
    )

    class Meta:
        ordering = ["training", "name"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_agency_or_district",
                # An account holder may belong to neither (a city-wide supervisor).
                condition=Q(agency__isnull=False, district__isnull=True)
                | Q(agency__isnull=True, district__isnull=False)
                | Q(agency__isnull=True, district__isnull=True, user__isnull=False),
            ),
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_user", fields=["training", "user"],
            ),
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_name", fields=["training", "name"]
            ),
        ]

    def __str__(self):
        return self.name
