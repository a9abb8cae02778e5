"""Supervision: a supervisor's orders on a case, the extensions asked for them, and the
claims of the reminders and escalations sent about cases and orders."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    ORDER_AWAITING_ANSWER,
    AlertKind,
    EscalationTrigger,
    ExtensionState,
    OrderState,
    SupervisionLevel,
)
from cases.models.cases import Case
from riskdesk.access import ScopedQuerySet


class SupervisionOrderQuerySet(ScopedQuerySet):
    district_field = "case__district"

    def awaiting_answer(self):
        return self.filter(state__in=ORDER_AWAITING_ANSWER)

    def overdue(self, today: date):
        return self.awaiting_answer().filter(due_date__lt=today)


class SupervisionOrder(models.Model):
    """督办单: a supervisor's order on a case, with instructions and a deadline."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="orders")
    level = models.CharField(_("level"), max_length=10, choices=SupervisionLevel.choices)
    instructions = models.TextField(_("instructions"))
    due_date = models.DateField(_("due date"))
    original_due_date = models.DateField(_("original due date"))
    state = models.CharField(
        _("state"), max_length=15, choices=OrderState.choices, default=OrderState.ISSUED
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        blank=True, verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        blank=True, verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    return_note = models.TextField(_("note on return"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        blank=True, verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)

    objects = SupervisionOrderQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_state_valid",
                condition=Q(state__in=OrderState.values),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_level_valid",
                condition=Q(level__in=SupervisionLevel.values),
            ),
        ]
        indexes = [
            # reminders and escalation: orders waiting for an answer, by due date
            models.Index(
                name="cases_order_awaiting_due", fields=["due_date"],
                condition=Q(state__in=ORDER_AWAITING_ANSWER),
            ),
            models.Index(name="cases_order_case", fields=["case", "-issued_at"]),
        ]

    def __str__(self):
        return f"{self.case.reference} #{self.pk} ({self.get_level_display()})"

    def get_absolute_url(self):
        return reverse("supervision:order", args=[self.pk])

    @property
    def awaiting_answer(self) -> bool:
        return self.state in ORDER_AWAITING_ANSWER

    def is_overdue(self, today: date | None = None) -> bool:
        return self.awaiting_answer and self.due_date < (today or timezone.localdate())


class ExtensionRequest(models.Model):
    """Staff ask for more time on an order; a supervisor grants or refuses it."""

    order = models.ForeignKey(
        SupervisionOrder, on_delete=models.PROTECT, related_name="extensions"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    reason = models.TextField(_("reason"))
    requested_due_date = models.DateField(_("requested due date"))
    state = models.CharField(
        _("state"), max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        blank=True, verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_state_valid",
                condition=Q(state__in=ExtensionState.values),
            ),
            # At most one request waits for a decision per order.
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_one_pending", fields=["order"],
                condition=Q(state="pending"),
            ),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.requested_due_date} ({self.get_state_display()})"


class CaseAlert(models.Model):
    """A claim by a scheduled job: this reminder or escalation step happened, once.

    ``key`` names the unit of work, e.g. ``follow_up_overdue:case=42:due=2026-03-01`` or
    ``target_escalation:case=42:due=2026-05-01:level=2``. Whoever inserts the row does the
    work; a second run (or one running at the same moment) fails the insert and skips it.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind.choices)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="alerts")
    order = models.ForeignKey(
        SupervisionOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    trigger = models.CharField(
        _("trigger"), max_length=15, choices=EscalationTrigger.choices, blank=True
    )
    due_date = models.DateField(_("due date"))
    level = models.PositiveSmallIntegerField(_("level"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder or escalation")
        verbose_name_plural = _("reminders and escalations")

    def __str__(self):
        return self.key
