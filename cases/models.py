import functools
import uuid
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    DEFAULT_FIGURE_LABELS,
    DEFAULT_INTERVAL_DAYS,
    FIGURE_LABELS,
    OPEN_STATUSES,
    ORDER_AWAITING_ANSWER,
    AlertKind,
    AttachmentKind,
    CategoryKind,
    EscalationTrigger,
    EventKind,
    ExtensionState,
    FollowUpMethod,
    HousingStage,
    JobKind,
    JobState,
    JudicialStage,
    OrderState,
    RiskLevel,
    SchemeType,
    Source,
    Status,
    SupervisionLevel,
)
from riskdesk.access import ScopedQuerySet
from riskdesk.models import AppendOnlyModel, AppendOnlyQuerySet, District, append_only
from riskdesk.personal import mask_id, mask_phone, validate_phone, validate_resident_id

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


@functools.lru_cache(maxsize=16)
def _cases_root(script_prefix):
    """The case list's address under ``script_prefix`` (where the site is mounted)."""
    return reverse("cases:list")


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
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        # The list's address and the reference: what reverse("cases:detail") gives (a
        # test holds them together), at a fraction of its cost on a 100-row list.
        return f"{_cases_root(get_script_prefix())}{self.reference}/"

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


# ---------------------------------------------------------------- background jobs
def job_path(instance, filename):
    """Job files (an uploaded list, an export) under generated names, never served
    directly: only their owner downloads them, through the job's page."""
    suffix = Path(filename).suffix.lower()
    return f"jobs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class JobQuerySet(models.QuerySet):
    def for_user(self, user):
        """A job is its owner's alone (an export holds exactly what they may see)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Job(models.Model):
    """A long export or import, run by a Celery task (cases/jobs.py); its owner follows
    it on its page and gets a notice in the inbox when it is done."""

    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices,
                             default=JobState.QUEUED)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("user"))
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    query = models.TextField(_("filters"), blank=True)  # an export's list filters
    source = models.FileField(_("uploaded file"), upload_to=job_path, blank=True,
                              max_length=200)
    source_name = models.CharField(_("uploaded file name"), max_length=255, blank=True)
    result = models.FileField(_("result file"), upload_to=job_path, blank=True,
                              max_length=200)
    result_name = models.CharField(_("result file name"), max_length=255, blank=True)
    # An import's counts and row problems, or why the job failed.
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            # the user's recent jobs (the job page's "your other jobs")
            models.Index(fields=["user", "-created_at"], name="cases_job_user_recent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("cases:job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
