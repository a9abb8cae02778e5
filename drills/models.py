"""Emergency drills (应急演练) held in a district, and the files filed with them."""

import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drills.choices import DrillKind
from riskdesk.access import ScopedQuerySet
from riskdesk.choices import AttachmentKind
from riskdesk.models import AppendOnlyModel, District, append_only


class DrillQuerySet(ScopedQuerySet):
    def with_related(self):
        return self.select_related("district", "created_by")

    def with_file_count(self):
        """Each drill's number of files, as a subquery (no GROUP BY over the list)."""
        files = (DrillAttachment.objects.filter(drill=OuterRef("pk")).order_by()
                 .values("drill").annotate(count=Count("pk")).values("count"))
        return self.annotate(file_count=Coalesce(Subquery(files), 0))

    def in_period(self, period):
        return self.filter(**period.date_lookup("date"))

    def totals(self) -> dict:
        """``{"count": n, "participants": n}`` in one query."""
        totals = self.aggregate(count=Count("pk"), participants=Sum("participants"))
        return {"count": totals["count"], "participants": totals["participants"] or 0}


class Drill(models.Model):
    """An emergency drill: when, where, what kind, who took part and what it showed."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=DrillKind.choices)
    participants = models.PositiveIntegerField(_("participants"),
                                               validators=[MinValueValidator(1)])
    scenario = models.TextField(_("scenario"))
    findings = models.TextField(_("findings"), blank=True)
    units = models.TextField(_("units taking part"), blank=True,
                             help_text=_("One unit per line."))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("recorded by"),
    )
    updated_at = models.DateTimeField(_("last updated"), default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("last updated by"),
    )

    objects = DrillQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("emergency drill")
        verbose_name_plural = _("emergency drills")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_kind_valid",
                condition=Q(kind__in=DrillKind.values),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_participants_positive",
                condition=Q(participants__gte=1),
            ),
        ]
        # The list (scoped by district, newest first) and the period figures.
        indexes = [models.Index(name="drills_drill_district_date", fields=["district", "-date"])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.district} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("drills:detail", args=[self.pk])

    @property
    def unit_list(self) -> list[str]:
        return [line.strip() for line in self.units.splitlines() if line.strip()]


def drill_file_path(instance, filename):
    """Stored under a generated name; the user's file name is kept only in the row."""
    suffix = Path(filename).suffix.lower()
    return f"drills/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class DrillAttachmentQuerySet(ScopedQuerySet):
    district_field = "drill__district"


class DrillAttachment(models.Model):
    """A document or photo of a drill, downloaded only through the scoped view."""

    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=drill_file_path, max_length=200)
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

    objects = DrillAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("drill attachment")
        verbose_name_plural = _("drill attachments")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_kind_valid",
                condition=Q(kind__in=AttachmentKind.values),
            ),
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("drills:attachment", args=[self.drill_id, self.pk])


class DrillChange(AppendOnlyModel):
    """One edit of a drill, as the drill's page lists it: who, when, each field's value
    before and after (raw: a kind's value, a district's id, shown in the reader's
    language) and the files added. Append-only: a drill's record never loses what it
    said before."""

    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="changes",
                              verbose_name=_("emergency drill"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("user"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    files = models.JSONField(_("files added"), default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("drill change")
        verbose_name_plural = _("drill changes")
        triggers = [append_only()]

    def shown(self, district_names: dict) -> list[tuple]:
        """(field's name, before, after) for each field changed, values as a reader
        sees them: the kind's label, the district's name, a date as a date."""
        rows = []
        names = [field.name for field in Drill._meta.fields if field.name in self.changes]
        for name, values in ((name, self.changes[name]) for name in names):
            field = Drill._meta.get_field(name)
            if name == "kind":
                values = [DrillKind(value).label if value in DrillKind.values else value
                          for value in values]
            elif name == "district":
                values = [district_names.get(value, value) for value in values]
            elif name == "date":
                values = [date.fromisoformat(value) if value else value for value in values]
            rows.append((field.verbose_name, *values))
        return rows
