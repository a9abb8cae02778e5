"""When work falls due and when overdue work escalates: the admin-edited follow-up
intervals, the security periods that shorten them, and the escalation rules."""

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.choices import DEFAULT_INTERVAL_DAYS, RiskLevel


class FollowUpInterval(models.Model):
    """Days between follow-ups for a risk level (defaults 7/14/30/60; admin-editable)."""

    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, unique=True
    )
    days = models.PositiveSmallIntegerField(_("days"))

    class Meta:
        ordering = ["days"]
        verbose_name = _("follow-up interval")
        verbose_name_plural = _("follow-up intervals")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_days_positive", condition=Q(days__gte=1)
            ),
        ]

    def __str__(self):
        return f"{self.get_risk_level_display()}: {self.days}"

    @classmethod
    def days_for(cls, risk_level: str, on: date | None = None) -> int:
        """The interval for the risk level; shorter for major and high cases when a
        security period covers the day ``on``."""
        row = cls.objects.filter(risk_level=risk_level).values_list("days", flat=True).first()
        days = row or DEFAULT_INTERVAL_DAYS[RiskLevel(risk_level)]
        if on is not None and risk_level in (RiskLevel.MAJOR, RiskLevel.HIGH):
            period = SecurityPeriod.objects.active(on).first()
            if period is not None:
                days = min(days, period.days_for(risk_level))
        return days


class SecurityPeriodQuerySet(models.QuerySet):
    def active(self, day: date):
        return self.filter(starts_on__lte=day, ends_on__gte=day).order_by("major_days")


class SecurityPeriod(models.Model):
    """A named period (e.g. the National Two Sessions) with shorter follow-up intervals."""

    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    major_days = models.PositiveSmallIntegerField(_("interval for major cases (days)"), default=1)
    high_days = models.PositiveSmallIntegerField(_("interval for high cases (days)"), default=3)

    objects = SecurityPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("security period")
        verbose_name_plural = _("security periods")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_ends_after_start",
                condition=Q(ends_on__gte=F("starts_on")),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_days_positive",
                condition=Q(major_days__gte=1) & Q(high_days__gte=1),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.starts_on} to {self.ends_on})"

    def days_for(self, risk_level: str) -> int | None:
        return {RiskLevel.MAJOR: self.major_days, RiskLevel.HIGH: self.high_days}.get(risk_level)


class EscalationRule(models.Model):
    """After how many days overdue a case escalates, per risk level (admin-editable).

    Level 1 notifies the district's supervisors, level 2 the city's.
    """

    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    level = models.PositiveSmallIntegerField(_("escalation level"))
    days_overdue = models.PositiveSmallIntegerField(_("days overdue"))
    working_days = models.BooleanField(
        _("count working days"), default=False,
        help_text=_("Count only working days (Chinese public holidays and make-up days)."),
    )

    class Meta:
        ordering = ["risk_level", "level"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        constraints = [
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_level", fields=["risk_level", "level"]
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_level_valid", condition=Q(level__in=[1, 2])
            ),
        ]

    def __str__(self):
        return f"{self.get_risk_level_display()} {self.level}: {self.days_overdue}"
