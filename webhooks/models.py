"""Webhook subscriptions, the outbox of events, and one delivery per event and subscription.

An ``Event`` is written in the transaction of the change it announces, with its body
built then (``webhooks.payloads``); a ``Delivery`` per matching subscription is the unit
of work the sender claims (``webhooks.tasks``), so two workers never send it twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskdesk.access import scope_of
from riskdesk.choices import Announcement
from riskdesk.models import District
from webhooks.choices import DeliveryStatus, Format


class SubscriptionQuerySet(models.QuerySet):
    def for_user(self, user):
        """Administrators: every subscription; supervisors: their own; others: none."""
        scope = scope_of(user)
        if scope.is_admin:
            return self
        if scope.is_supervisor:
            return self.filter(owner=user)
        return self.none()

    def active(self):
        return self.filter(active=True)


class Subscription(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="webhooks",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    kinds = models.JSONField(_("events"), default=list)
    districts = models.ManyToManyField(
        District, blank=True, related_name="+", verbose_name=_("districts"),
        help_text=_("Only these districts' events; none: every district you may see."),
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices,
                              default=Format.JSON)
    secret = models.CharField(_("secret"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("switched off at"), null=True, blank=True)
    disabled_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        indexes = [
            # every announcement reads the active subscriptions
            models.Index(name="webhooks_subscription_active", fields=["id"],
                         condition=Q(active=True)),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("webhooks:detail", args=[self.pk])

    def kind_labels(self) -> list[str]:
        labels = dict(Announcement.choices)
        return [labels.get(kind, kind) for kind in self.kinds]


class Event(models.Model):
    """One announcement, as it went out: its body is built once, when it happened."""

    kind = models.CharField(_("kind"), max_length=40, choices=Announcement.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("case"))
    order = models.ForeignKey("cases.SupervisionOrder", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("supervision order"))
    decision = models.ForeignKey("assessments.Decision", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("decision"))
    # None: the whole city's (a city-level decision, an agency)
    district = models.ForeignKey(District, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    payload = models.JSONField(_("object"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class DeliveryQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(subscription__in=Subscription.objects.for_user(user))

    def due(self, now):
        """Waiting, due, and not claimed by a worker (or its claim has expired)."""
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))


class Delivery(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries",
                              verbose_name=_("event"))
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="deliveries", verbose_name=_("subscription"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # a worker's claim: nobody else sends it until then (a killed worker's claim expires)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("response code"), null=True,
                                                        blank=True)
    last_error = models.CharField(_("error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"],
                                    name="%(app_label)s_%(class)s_unique_event_subscription"),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_status_valid",
                condition=Q(status__in=DeliveryStatus.values)),
        ]
        indexes = [
            # the sweep: waiting deliveries by due time
            models.Index(name="webhooks_delivery_due", fields=["next_attempt_at"],
                         condition=Q(status="pending")),
            # the delivery log of one subscription, newest first
            models.Index(name="webhooks_delivery_log", fields=["subscription", "-id"]),
        ]

    def __str__(self):
        return f"{self.event} → {self.subscription}"
