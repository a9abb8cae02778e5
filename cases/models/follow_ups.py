"""What was done on a case (follow-ups) and the documents and photos filed with it."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import FollowUpMethod
from cases.models.cases import MONEY, Case
from riskdesk.access import ScopedQuerySet
from riskdesk.choices import AttachmentKind


class FollowUpQuerySet(ScopedQuerySet):
    district_field = "case__district"


class FollowUp(models.Model):
    """What was done on a case on a day, and how its figures moved."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    date = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=20, choices=FollowUpMethod.choices)
    summary = models.TextField(_("what was done"))
    people_helped_added = models.PositiveIntegerField(_("more people helped"), default=0)
    amount_recovered_added = models.DecimalField(
        _("more amount recovered (CNY)"), default=0, **MONEY
    )
    households_delivered_added = models.PositiveIntegerField(
        _("more households delivered"), default=0
    )
    created_at = models.DateTimeField(_("logged at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("logged by"),
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_amount_not_negative",
                condition=Q(amount_recovered_added__gte=0),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_method_valid",
                condition=Q(method__in=FollowUpMethod.values),
            ),
        ]
        indexes = [models.Index(name="cases_followup_case_date", fields=["case", "-date"])]

    def __str__(self):
        return f"{self.case.reference} {self.date:%Y-%m-%d} {self.get_method_display()}"


def attachment_path(instance, filename):
    """Stored under a generated name; the user's file name is kept only in the row."""
    suffix = Path(filename).suffix.lower()
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class AttachmentQuerySet(ScopedQuerySet):
    district_field = "case__district"


class Attachment(models.Model):
    """A document or photo on a case, downloaded only through the scoped view."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    order = models.ForeignKey(
        "SupervisionOrder", on_delete=models.PROTECT, null=True, blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=AttachmentKind.choices)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("uploaded by"),
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_kind_valid",
                condition=Q(kind__in=AttachmentKind.values),
            ),
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("cases:attachment", args=[self.case.reference, self.pk])
