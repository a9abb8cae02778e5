import uuid
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from assessments.choices import (
    AgencyAlertKind,
    AgencyEventKind,
    AgencyStatus,
    AssessmentStatus,
    AssessorKind,
    Consequence,
    DecisionEventKind,
    DecisionLevel,
    DecisionStatus,
    DecisionType,
    Grade,
    NoticeChannel,
    Recommendation,
)
from riskdesk.access import scope_of
from riskdesk.choices import Role
from riskdesk.models import AppendOnlyModel, District, append_only


def _bilingual(obj) -> str:
    return obj.name_zh if (get_language() or "").startswith("zh") else obj.name_en


def _stored_name(folder, filename):
    """Files are stored under generated names; the user's file name is kept in the row."""
    suffix = Path(filename).suffix.lower()
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def agency_document_path(instance, filename):
    return _stored_name("agency-documents", filename)


def report_path(instance, filename):
    return _stored_name("assessment-reports", filename)


class AppendOnly(AppendOnlyModel):
    """A history entry: who, when, a note and details; only ever inserted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta(AppendOnlyModel.Meta):
        abstract = True


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
        return _bilingual(self)


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


# ---------------------------------------------------------------- red lines
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
        return _bilingual(self)


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


# ---------------------------------------------------------------- decisions
class DecisionQuerySet(models.QuerySet):
    def for_user(self, user):
        """Admins and city supervisors: all; district staff and supervisors: their
        districts' decisions and the city's; assessors: decisions assigned to their agency."""
        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.role == Role.ASSESSOR:
            return self.filter(assessment__agency__members__user=user)
        if scope.role in (Role.STAFF, Role.SUPERVISOR) and scope.district_ids:
            return self.filter(
                Q(level=DecisionLevel.CITY) | Q(district__in=scope.district_ids)
            )
        return self.none()

    def with_related(self):
        return self.select_related("department", "district", "assessment",
                                   "assessment__agency")


class Decision(models.Model):
    """A major government decision whose social-stability risk is assessed before it."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="decisions",
        verbose_name=_("sponsoring department"),
    )
    level = models.CharField(_("level"), max_length=10, choices=DecisionLevel.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions",
        verbose_name=_("district"),
    )
    decision_type = models.CharField(_("type"), max_length=20, choices=DecisionType.choices)
    planned_date = models.DateField(_("planned decision date"))
    key_sensitive = models.BooleanField(
        _("key sensitive"), default=False,
        help_text=_("Supervisors follow key-sensitive decisions closely."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices,
        default=DecisionStatus.REGISTERED,
    )
    implemented = models.BooleanField(_("implemented"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    caused_cases = models.ManyToManyField(
        "cases.Case", blank=True, related_name="caused_by_decisions",
        verbose_name=_("risk cases it caused"),
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False,
        verbose_name=_("registered by"),
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_date", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_district_matches_level",
                condition=(Q(level=DecisionLevel.CITY, district__isnull=True)
                           | Q(level=DecisionLevel.DISTRICT, district__isnull=False)),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_status_valid",
                condition=Q(status__in=DecisionStatus.values),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_type_valid",
                condition=Q(decision_type__in=DecisionType.values),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_implemented_only_after_decision",
                condition=Q(implemented__isnull=True)
                | Q(status__in=[DecisionStatus.DECIDED, DecisionStatus.IMPLEMENTED]),
            ),
        ]
        indexes = [
            # the list's default order
            models.Index(name="assessments_decision_planned", fields=["-planned_date", "-id"]),
            # district staff: their district's decisions by status
            models.Index(name="assessments_decision_district", fields=["district", "status"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("decisions:detail", args=[self.pk])

    @property
    def assessment_or_none(self):
        try:
            return self.assessment
        except Assessment.DoesNotExist:
            return None


class AssessmentQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(decision__in=Decision.objects.for_user(user))

    def in_progress(self):
        return self.filter(status=AssessmentStatus.IN_PROGRESS)


class Assessment(models.Model):
    """The social-stability risk assessment of a decision and its conclusion."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="assessment")
    assessor_kind = models.CharField(_("assessed by"), max_length=10, choices=AssessorKind.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="assessments",
        verbose_name=_("agency"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AssessmentStatus.choices,
        default=AssessmentStatus.IN_PROGRESS,
    )
    grade = models.CharField(_("risk grade"), max_length=10, choices=Grade.choices, blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    mitigation = models.TextField(_("mitigation measures"), blank=True)
    report = models.FileField(_("report"), upload_to=report_path, max_length=200, blank=True)
    report_name = models.CharField(_("report file name"), max_length=255, blank=True)
    report_content_type = models.CharField(_("content type"), max_length=100, blank=True)
    report_size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("concluded by"),
    )
    flagged = models.BooleanField(_("flagged"), default=False)
    flag_reason = models.CharField(_("flag reason"), max_length=300, blank=True)
    quality_score = models.PositiveSmallIntegerField(_("quality score"), null=True, blank=True)
    quality_comment = models.TextField(_("quality comment"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("scored by"),
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now, editable=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_agency_matches_kind",
                condition=(Q(assessor_kind=AssessorKind.AGENCY, agency__isnull=False)
                           | Q(assessor_kind=AssessorKind.SELF, agency__isnull=True)),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_high_grade_cannot_proceed",
                condition=~Q(grade=Grade.HIGH, recommendation=Recommendation.PROCEED),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_concluded_has_conclusion",
                condition=~Q(status=AssessmentStatus.CONCLUDED)
                | (~Q(grade="") & ~Q(recommendation="") & Q(concluded_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_score_range",
                condition=Q(quality_score__isnull=True)
                | Q(quality_score__gte=1, quality_score__lte=5,
                    status=AssessmentStatus.CONCLUDED),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_status_valid",
                condition=Q(status__in=AssessmentStatus.values),
            ),
        ]
        indexes = [
            # flagging in-progress assessments of a suspended or revoked agency
            models.Index(
                name="assessments_assessment_open", fields=["agency"],
                condition=Q(status="in_progress"),
            ),
        ]

    def __str__(self):
        return str(self.decision)

    def get_absolute_url(self):
        return self.decision.get_absolute_url()

    @property
    def is_concluded(self) -> bool:
        return self.status == AssessmentStatus.CONCLUDED

    def missing_mechanisms(self) -> list[str]:
        """The names of the mandatory mechanisms not recorded yet."""
        missing = []
        if not PublicNotice.objects.filter(assessment=self).exists():
            missing.append(str(_("public notice")))
        if not self.risks.exists():
            missing.append(str(_("risk analysis")))
        if not ExpertReview.objects.filter(assessment=self).exists():
            missing.append(str(_("expert review")))
        return missing

    def risk_matrix(self):
        """Rows impact 5..1, columns likelihood 1..5: (score, [(number, risk)]) per cell;
        the number is the risk's position in the risk list."""
        cells = {}
        for number, risk in enumerate(self.risks.all(), start=1):
            cells.setdefault((risk.impact, risk.likelihood), []).append((number, risk))
        return [
            (impact, [(impact * likelihood, cells.get((impact, likelihood), []))
                      for likelihood in range(1, 6)])
            for impact in range(5, 0, -1)
        ]


class PublicNotice(models.Model):
    """Public notice (公开公示): where, when and how many comments came in."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="notice"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=NoticeChannel.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    comments_received = models.PositiveIntegerField(_("comments received"), default=0)
    summary = models.TextField(_("summary of the comments"), blank=True)

    class Meta:
        ordering = ["assessment"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_ends_after_start",
                condition=Q(ends_on__gte=F("starts_on")),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_channel_valid",
                condition=Q(channel__in=NoticeChannel.values),
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.starts_on} - {self.ends_on}"


class RiskItem(models.Model):
    """One risk of the risk analysis (风险研判), scored likelihood x impact."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="risks")
    description = models.CharField(_("risk"), max_length=300)
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1-5)"))
    impact = models.PositiveSmallIntegerField(_("impact (1-5)"))
    mitigation = models.TextField(_("mitigation"), blank=True)

    class Meta:
        ordering = ["assessment", "id"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_likelihood_range",
                condition=Q(likelihood__gte=1, likelihood__lte=5),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_impact_range",
                condition=Q(impact__gte=1, impact__lte=5),
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class ExpertReview(models.Model):
    """Expert review (专家论证): who, when and their opinion."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="expert_review"
    )
    experts = models.TextField(_("experts"), help_text=_("One per line: name, field, title."))
    held_on = models.DateField(_("date"))
    opinion = models.TextField(_("opinion"))

    class Meta:
        ordering = ["assessment"]
        verbose_name = _("expert review")
        verbose_name_plural = _("expert reviews")

    def __str__(self):
        return f"{self.assessment} {self.held_on}"


class Survey(models.Model):
    """An optional public-opinion survey."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="survey")
    method = models.CharField(_("method"), max_length=200)
    respondents = models.PositiveIntegerField(_("respondents"))
    support_percent = models.PositiveSmallIntegerField(_("in favour (%)"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["assessment"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_percent_range",
                condition=Q(support_percent__lte=100),
            ),
        ]

    def __str__(self):
        return f"{self.assessment} {self.method}"


class DecisionEvent(AppendOnly):
    """The append-only history of a decision and its assessment."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=DecisionEventKind.choices)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("decision event")
        verbose_name_plural = _("decision events")
        triggers = [append_only()]
        indexes = [
            models.Index(name="assessments_decisionevent_at", fields=["decision", "-at", "-id"])
        ]

    def __str__(self):
        return f"{self.decision_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------- trainings
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
    """Someone who attended a training: agency staff or district staff."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("name"), max_length=100)
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
                condition=Q(agency__isnull=False, district__isnull=True)
                | Q(agency__isnull=True, district__isnull=False),
            ),
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_name", fields=["training", "name"]
            ),
        ]

    def __str__(self):
        return self.name
