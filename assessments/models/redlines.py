"""Red lines an agency must never cross, and the violations recorded against one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import Consequence
from assessments.models.agencies import Agency
from assessments.models.base import bilingual


class RedLine(models.Model):
    """What an agency must never do, and what happens when it does (admin-managed)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    consequence = models.CharField(_("consequence"), max_length=20, choices=Consequence.choices)
    suspension_months = models.PositiveSmallIntegerField(
        _("months of suspension"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("red line")
        verbose_name_plural = _("red lines")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_consequence_valid",
                condition=Q(consequence__in=Consequence.values),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_suspension_has_months",
                condition=(Q(consequence=Consequence.SUSPENSION, suspension_months__gte=1)
                           | (~Q(consequence=Consequence.SUSPENSION)
                              & Q(suspension_months__isnull=True))),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self)


class Violation(models.Model):
    """A recorded red-line violation; its consequence was applied when it was recorded."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="violations")
    red_line = models.ForeignKey(
        RedLine, on_delete=models.PROTECT, related_name="violations", verbose_name=_("red line")
    )
    occurred_on = models.DateField(_("date"))
    description = models.TextField(_("what happened"))
    consequence = models.CharField(_("consequence"), max_length=20, choices=Consequence.choices)
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")

    def __str__(self):
        return f"{self.agency} {self.red_line} {self.occurred_on}"
