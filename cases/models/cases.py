"""The case itself: its category, its reference, its kind details and its history."""

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    DEFAULT_FIGURE_LABELS,
    FIGURE_LABELS,
    OPEN_STATUSES,
    CategoryKind,
    EventKind,
    HousingStage,
    JudicialStage,
    RiskLevel,
    SchemeType,
    Source,
    Status,
    SupervisionLevel,
)
from cases.models.deadlines import FollowUpInterval
from riskdesk.access import ScopedQuerySet
from riskdesk.models import AppendOnlyModel, AppendOnlyQuerySet, District, append_only
from riskdesk.personal import mask_id, mask_phone, validate_phone, validate_resident_id

STATUS_LABELS = dict(Status.choices)  # lazy labels: translated when shown
RISK_LEVEL_LABELS = dict(RiskLevel.choices)

MONEY = {"max_digits": 16, "decimal_places": 2}


class Category(models.Model):
    """One of the categories of risk problems (the source's nine); admin-managed."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=CategoryKind.choices, default=CategoryKind.GENERAL,
        help_text=_("Which structured details cases of this category carry."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_kind_valid",
                condition=Q(kind__in=CategoryKind.values),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


def version_of(moment: datetime) -> int:
    """A moment as whole microseconds since 1970 (exact, unlike a float timestamp)."""
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


class ReferenceCounter(models.Model):
    """The last case number handed out in a year. Incremented under a row lock, so two
    people saving at the same moment get different numbers, and a number is never reused."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["year"]
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class CaseQuerySet(ScopedQuerySet):
    district_field = "district"

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def follow_up_overdue(self, today: date):
        return self.open().filter(next_follow_up_due__lt=today)

    def target_overdue(self, today: date):
        return self.open().filter(target_date__lt=today)

    def with_related(self):
        return self.select_related("category", "district", "owner")

    def counted(self):
        """The cases whose figures count: a merged duplicate's are its survivor's."""
        return self.filter(merged_into__isnull=True)


class Case(models.Model):
    """One problem that could cause unrest, tracked until it is resolved and closed."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="cases", verbose_name=_("district")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    lead_official = models.CharField(_("lead official"), max_length=100, blank=True)
    # The person to contact about the case (a petitioner, the workers' or the victims'
    # representative). On the case, not the kind details: every category has one, and
    # the personal data is then masked, revealed and audited in one place.
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_id_number = models.CharField(
        _("contact's ID number"), max_length=18, blank=True, validators=[validate_resident_id],
        help_text=_("The 18-character resident ID number; shown masked."),
    )
    contact_phone = models.CharField(
        _("contact's phone"), max_length=20, blank=True, validators=[validate_phone],
        help_text=_("A mobile number or a landline with its area code; shown masked."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    target_date = models.DateField(_("target resolution date"), null=True, blank=True)
    next_follow_up_due = models.DateField(_("next follow-up due"), null=True, blank=True)
    people_affected = models.PositiveIntegerField(_("people affected"), default=0)
    people_helped = models.PositiveIntegerField(_("people helped"), default=0)
    amount_involved = models.DecimalField(_("amount involved (CNY)"), default=0, **MONEY)
    amount_recovered = models.DecimalField(_("amount recovered (CNY)"), default=0, **MONEY)
    source_reference = models.CharField(
        _("source reference"), max_length=64, blank=True,
        help_text=_("The row's identifier in an imported investigation list."),
    )
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), default=0,
        help_text=_("0: none; 1: the district's supervisors; 2: the city's supervisors."),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    supervision_level = models.CharField(
        _("supervision level"), max_length=10, choices=SupervisionLevel.choices, blank=True
    )
    # Set when a supervisor merged this case into the one it duplicates (its survivor): the
    # case is closed, and its figures are left out of the totals (cases.stats), which
    # count the survivor's only. Cleared when the case is reopened.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False,
        related_name="merged_duplicates", verbose_name=_("merged into"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False,
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False,
        verbose_name=_("updated by"),
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_amounts_not_negative",
                condition=Q(amount_involved__gte=0) & Q(amount_recovered__gte=0),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_people_not_negative",
                condition=Q(people_affected__gte=0) & Q(people_helped__gte=0),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_helped_within_affected",
                condition=Q(people_helped__lte=F("people_affected")),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_recovered_within_involved",
                condition=Q(amount_recovered__lte=F("amount_involved")),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_status_valid", condition=Q(status__in=Status.values)
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_risk_level_valid",
                condition=Q(risk_level__in=RiskLevel.values),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_source_valid", condition=Q(source__in=Source.values)
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_escalation_level_valid",
                condition=Q(escalation_level__lte=2),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_not_merged_into_itself",
                condition=~Q(merged_into=F("id")),
            ),
            # An imported row is identified by its source reference within its district.
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_source_reference",
                fields=["district", "source_reference"],
                condition=~Q(source_reference=""),
            ),
        ]
        indexes = [
            # the list's default order and "new this month"
            models.Index(name="cases_case_created", fields=["-created_at", "-id"]),
            # the list filtered by district and status (staff see one district), and the
            # list's counts per status (CaseFilterSet.status_counts): COUNT(*) with any of
            # these four filters is an index-only scan (about 5x faster than reading the
            # table at 100,000 cases)
            models.Index(
                name="cases_case_list_counts",
                fields=["district", "status", "risk_level", "category"],
            ),
            # the same counts city-wide: read in status order, the grouping needs no hash
            # (a city supervisor's list, 100,000 cases: 14.7 -> 10.7 ms)
            models.Index(
                name="cases_case_status_counts",
                fields=["status", "district", "risk_level", "category"],
            ),
            # the dashboard's open figures (cases.stats.open_cases) read from the index
            # alone, never the table: one city of a province's 1,000,000 cases,
            # 226 -> 20 ms; the whole province 586 -> 203 ms
            models.Index(
                name="cases_case_open_figures",
                fields=["district", "status", "risk_level", "category"],
                include=["id", "next_follow_up_due", "target_date", "escalation_level"],
                condition=Q(status__in=OPEN_STATUSES),
            ),
            # reminders: open cases by follow-up due date
            models.Index(
                name="cases_case_open_follow_up_due", fields=["next_follow_up_due"],
                condition=Q(status__in=OPEN_STATUSES),
            ),
            # escalation: open cases by target date
            models.Index(
                name="cases_case_open_target_date", fields=["target_date"],
                condition=Q(status__in=OPEN_STATUSES),
            ),
            # the list sorted by last update ("what moved lately"), city-wide and per
            # district: without them PostgreSQL sorts every case for each page
            models.Index(name="cases_case_updated", fields=["-updated_at", "-id"]),
            models.Index(name="cases_case_district_updated",
                         fields=["district", "-updated_at", "-id"]),
            # the dashboard's cases resolved in the period and its 12 months' trend: without
            # it each dashboard reads the whole table (a city's, of a province's million:
            # two full scans of 1,000,000 rows for 8,000 resolved cases)
            models.Index(name="cases_case_resolved", fields=["resolved_at"],
                         condition=Q(resolved_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.reference])

    # The labels of the two states every row of the case list shows, as Django's own
    # get_FOO_display() gives them; that one rebuilds the field's whole choices dict at
    # each call, a fifth of the time of a list row.
    def get_status_display(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def get_risk_level_display(self) -> str:
        return RISK_LEVEL_LABELS.get(self.risk_level, self.risk_level)

    def clean(self):
        errors = {}
        labels = self.figure_labels() if self.category_id else DEFAULT_FIGURE_LABELS
        if (self.people_helped or 0) > (self.people_affected or 0):
            errors["people_helped"] = _("%(helped)s cannot be more than %(affected)s.") % {
                "helped": labels["people_helped"], "affected": labels["people_affected"]}
        if (self.amount_recovered or 0) > (self.amount_involved or 0):
            errors["amount_recovered"] = _("%(recovered)s cannot be more than %(involved)s.") % {
                "recovered": labels["amount_recovered"], "involved": labels["amount_involved"]}
        if errors:
            raise ValidationError(errors)

    @property
    def kind(self) -> str:
        return self.category.kind

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def figure_labels(self) -> dict:
        return FIGURE_LABELS.get(self.category.kind, DEFAULT_FIGURE_LABELS)

    def follow_up_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.next_follow_up_due is not None and (
            self.next_follow_up_due < today
        )

    def target_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.target_date is not None and self.target_date < today

    @property
    def version(self) -> int:
        """When the case last changed, as a token the list sends with a bulk selection:
        a case whose token differs has changed since the page was shown."""
        return version_of(self.updated_at)

    @property
    def contact_id_number_masked(self) -> str:
        return mask_id(self.contact_id_number)

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)

    def details(self):
        """The kind details row for this case's category, or None."""
        model = DETAILS_MODELS.get(self.category.kind)
        if model is None:
            return None
        return model.objects.filter(case=self).first()

    def next_due_after(self, day: date) -> date:
        return day + timedelta(days=FollowUpInterval.days_for(self.risk_level, on=day))


class RealEstateDetails(models.Model):
    """A stalled ("half-built") housing project."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="real_estate")
    project_name = models.CharField(_("project name"), max_length=200)
    developer = models.CharField(_("developer"), max_length=200, blank=True)
    households_affected = models.PositiveIntegerField(_("households affected"), default=0)
    households_delivered = models.PositiveIntegerField(_("households delivered"), default=0)
    stalled_since = models.DateField(_("stalled since"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=HousingStage.choices, default=HousingStage.HALTED
    )

    class Meta:
        ordering = ["case"]
        verbose_name = _("real-estate details")
        verbose_name_plural = _("real-estate details")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_delivered_within_affected",
                condition=Q(households_delivered__lte=F("households_affected")),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_stage_valid",
                condition=Q(stage__in=HousingStage.values),
            ),
        ]

    def __str__(self):
        return self.project_name

    def clean(self):
        if (self.households_delivered or 0) > (self.households_affected or 0):
            raise ValidationError({"households_delivered": _(
                "Households delivered cannot be more than households affected.")})


class WageArrearsDetails(models.Model):
    """Unpaid migrant-worker wages; the case's four figures are workers and wages."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="wage_arrears")
    employer = models.CharField(_("employer"), max_length=200)
    project = models.CharField(_("project"), max_length=200, blank=True)
    petition_number = models.CharField(_("linked petition number"), max_length=64, blank=True)

    class Meta:
        ordering = ["case"]
        verbose_name = _("wage-arrears details")
        verbose_name_plural = _("wage-arrears details")

    def __str__(self):
        return self.employer


class MassVictimDetails(models.Model):
    """A mass-victim economic case; the case's figures are victims and money."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="mass_victim")
    scheme_type = models.CharField(_("scheme type"), max_length=30, choices=SchemeType.choices)
    police_case_number = models.CharField(_("police case number"), max_length=64, blank=True)
    judicial_stage = models.CharField(
        _("judicial stage"), max_length=20, choices=JudicialStage.choices,
        default=JudicialStage.INVESTIGATION,
    )

    class Meta:
        ordering = ["case"]
        verbose_name = _("mass-victim case details")
        verbose_name_plural = _("mass-victim case details")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_scheme_valid",
                condition=Q(scheme_type__in=SchemeType.values),
            ),
        ]

    def __str__(self):
        return self.get_scheme_type_display()


DETAILS_MODELS = {
    CategoryKind.REAL_ESTATE: RealEstateDetails,
    CategoryKind.WAGE_ARREARS: WageArrearsDetails,
    CategoryKind.MASS_VICTIM: MassVictimDetails,
}


class CaseEventQuerySet(AppendOnlyQuerySet, ScopedQuerySet):
    district_field = "case__district"


class CaseEvent(AppendOnlyModel):
    """The append-only history of a case: who did what and when.

    ``data`` holds the details of the event kind (see ``cases/events.py``), e.g.
    ``{"changes": {"title": ["old", "new"]}}`` for an edit. Rows are only ever inserted; on
    PostgreSQL a trigger refuses UPDATE and DELETE whatever code tries.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        triggers = [append_only()]
        indexes = [models.Index(name="cases_caseevent_case_at", fields=["case", "-at", "-id"])]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
