"""The registry of third-party assessors: departments, agencies from application to
revocation, their scope, experts, documents, members, history and reminders."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import AgencyAlertKind, AgencyEventKind, AgencyStatus, DecisionType
from assessments.models.base import AppendOnly, bilingual, stored_name
from riskdesk.access import scope_of
from riskdesk.choices import Role
from riskdesk.models import District, append_only


def agency_document_path(instance, filename):
    return stored_name("agency-documents", filename)


# ---------------------------------------------------------------- departments
class Department(models.Model):
    """A sponsoring department (the city's or a district's); admin-managed."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, unique=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="departments",
        verbose_name=_("district"), help_text=_("Empty for a city department."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self)


# ---------------------------------------------------------------- agencies
class AgencyQuerySet(models.QuerySet):
    def for_user(self, user):
        """Administrators and supervisors see the registry; assessors their own agency."""
        scope = scope_of(user)
        if scope.is_admin or scope.is_supervisor:
            return self
        if scope.role == Role.ASSESSOR:
            return self.filter(members__user=user)
        return self.none()

    def with_scores(self):
        """Each agency's ``score_average`` (of its scored assessments, None without any),
        ``scored_count`` and ``score_rank`` (the average, 0 without any: for sorting, so
        unscored agencies come last when sorted by score, best first). Subqueries, so a
        filter that joins (declared scopes) counts no assessment twice."""
        from assessments.models.decisions import Assessment

        scored = Assessment.objects.filter(agency=OuterRef("pk"), quality_score__isnull=False)
        average = Subquery(scored.order_by().annotate(
            value=Func("quality_score", function="AVG", output_field=models.DecimalField()),
        ).values("value"), output_field=models.DecimalField())
        count = Subquery(scored.order_by().annotate(
            value=Func("pk", function="COUNT", output_field=models.IntegerField()),
        ).values("value"), output_field=models.IntegerField())
        return self.annotate(score_average=average, scored_count=count,
                             score_rank=Coalesce(average, Value(0),
                                                 output_field=models.DecimalField()))

    def approved(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(status=AgencyStatus.APPROVED, valid_until__gte=on)

    def expiring_within(self, days: int, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(
            status=AgencyStatus.APPROVED, valid_until__gte=on,
            valid_until__lte=on + timedelta(days=days),
        )


class Agency(models.Model):
    """A third-party assessor in the registry, from its application to its revocation."""

    reference = models.CharField(
        _("reference number"), max_length=20, blank=True, editable=False
    )
    name = models.CharField(_("agency name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=40)
    contact_email = models.EmailField(_("contact e-mail"))
    address = models.CharField(_("address"), max_length=300)
    qualifications = models.TextField(_("qualifications"), blank=True)
    related_departments = models.ManyToManyField(
        Department, blank=True, related_name="related_agencies",
        verbose_name=_("declared relationships"),
        help_text=_("Departments the agency has a relationship with; it cannot assess "
                    "their decisions."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AgencyStatus.choices, default=AgencyStatus.SUBMITTED
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_reference", fields=["reference"],
                condition=~Q(reference=""),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_status_valid",
                condition=Q(status__in=AgencyStatus.values),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_approved_has_valid_until",
                condition=~Q(status=AgencyStatus.APPROVED) | Q(valid_until__isnull=False),
            ),
        ]
        indexes = [
            # the renewal reminders and the expiry sweep: approved agencies by expiry
            models.Index(
                name="assessments_agency_expiry", fields=["valid_until"],
                condition=Q(status="approved"),
            ),
            # the review queue and the registry's status filter
            models.Index(name="assessments_agency_status", fields=["status", "name"]),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agencies:detail", args=[self.pk])

    def is_assignable_on(self, day: date) -> bool:
        return self.status == AgencyStatus.APPROVED and bool(
            self.valid_until and self.valid_until >= day)

    def scope_types(self) -> list[str]:
        return [row.decision_type for row in self.scopes.all()]


class AgencyScope(models.Model):
    """A type of decision the agency declared it assesses (its "driving lane")."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="scopes")
    decision_type = models.CharField(
        _("decision type"), max_length=20, choices=DecisionType.choices
    )

    class Meta:
        ordering = ["agency", "decision_type"]
        verbose_name = _("declared scope")
        verbose_name_plural = _("declared scope")
        constraints = [
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_type", fields=["agency", "decision_type"]
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_type_valid",
                condition=Q(decision_type__in=DecisionType.values),
            ),
        ]

    def __str__(self):
        return self.get_decision_type_display()


class Expert(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="experts")
    name = models.CharField(_("name"), max_length=100)
    field = models.CharField(_("field"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self):
        return self.name


class AgencyDocument(models.Model):
    """A document supporting an application (licence, qualifications)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=agency_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["agency", "id"]
        verbose_name = _("agency document")
        verbose_name_plural = _("agency documents")

    def __str__(self):
        return self.original_name


class AgencyMember(models.Model):
    """A user of the role "assessor" working for an agency."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_member"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="members")

    class Meta:
        ordering = ["agency", "user__username"]
        verbose_name = _("agency member")
        verbose_name_plural = _("agency members")

    def __str__(self):
        return f"{self.user.get_username()} ({self.agency})"


class AgencyEvent(AppendOnly):
    """The append-only history of an agency's registration."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyEventKind.choices)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("agency event")
        verbose_name_plural = _("agency events")
        triggers = [append_only()]
        indexes = [
            models.Index(name="assessments_agencyevent_at", fields=["agency", "-at", "-id"])
        ]

    def __str__(self):
        return f"{self.agency_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @staticmethod
    def _status_label(value):
        return AgencyStatus(value).label if value in AgencyStatus.values else (value or "")

    @property
    def from_label(self):
        return self._status_label((self.data or {}).get("from"))

    @property
    def to_label(self):
        return self._status_label((self.data or {}).get("to"))


class AgencyAlert(models.Model):
    """A renewal reminder or the expiry of one registration period, claimed once."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyAlertKind.choices)
    valid_until = models.DateField(_("valid until"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("agency reminder")
        verbose_name_plural = _("agency reminders")
        constraints = [
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_claim",
                fields=["agency", "kind", "valid_until"],
            ),
        ]

    def __str__(self):
        return f"{self.agency_id} {self.kind} {self.valid_until}"
