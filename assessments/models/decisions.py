"""Major decisions and their social-stability risk assessment: the assessment, its
mandatory mechanisms (public notice, risk analysis, expert review), surveys and history."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import (
    AssessmentStatus,
    AssessorKind,
    DecisionEventKind,
    DecisionLevel,
    DecisionStatus,
    DecisionType,
    Grade,
    NoticeChannel,
    Recommendation,
)
from assessments.models.agencies import Agency, Department
from assessments.models.base import AppendOnly, stored_name
from riskdesk.access import scope_of
from riskdesk.choices import Role
from riskdesk.models import District, append_only


def report_path(instance, filename):
    return stored_name("assessment-reports", filename)


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


DECISION_REFERENCE_PREFIX = "JC"  # 决策


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
    def reference(self) -> str:
        """How the decision is quoted (JC-2026-00004): the year it was registered and its
        number, which never change."""
        year = timezone.localtime(self.created_at).year
        return f"{DECISION_REFERENCE_PREFIX}-{year}-{self.pk:05d}"

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

    def still_to_do(self) -> list[str]:
        """What the assessor has yet to record before the assessment can be concluded:
        the mechanisms, the report, then the conclusion itself."""
        if self.is_concluded:
            return []
        todo = self.missing_mechanisms()
        if not self.report:
            todo.append(str(_("report")))
        todo.append(str(_("conclusion")))
        return todo

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
