import django_filters as filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from cases.choices import ExtensionState, OrderState, RiskLevel, Status, SupervisionLevel
from cases.forms import UserChoiceField, owners_in_scope
from cases.models import (
    Case,
    Category,
    ExtensionRequest,
    RealEstateDetails,
    SupervisionOrder,
    WageArrearsDetails,
)
from riskdesk.filters import ModelIdsFilter, date_range
from riskdesk.models import District

ESCALATION_LEVELS = [
    ("1", _("Level 1: the district's supervisors")),
    ("2", _("Level 2: the city's supervisors")),
]


def _descending(label):
    return _("%(field)s (descending)") % {"field": label}


class SortFilter(filters.OrderingFilter):
    """Sorting with labels that follow the reader's language.

    django-filter formats its "(descending)" labels once, when the module is imported, in
    whatever language is active then; here every label stays lazy. ``fields`` are
    ``(model field, parameter, label)``.
    """

    def __init__(self, *, fields, **kwargs):
        labels = {}
        for field, param, label in fields:
            labels[field] = label
            labels[f"-{param}"] = lazy(_descending, str)(label)
        super().__init__(fields=[(f, p) for f, p, _label in fields], field_labels=labels,
                         **kwargs)

    def filter(self, qs, value):
        """Sorted as asked, then by id in the same direction: rows that tie (the same
        status, the same day) keep one order from page to page, and an index on
        ``(column, id)`` serves the sort."""
        qs = super().filter(qs, value)
        ordering = [str(field) for field in qs.query.order_by]
        if ordering and not {field.lstrip("-") for field in ordering} & {"pk", "id"}:
            qs = qs.order_by(*ordering, "-pk" if ordering[-1].startswith("-") else "pk")
        return qs


class UserFilter(filters.ModelChoiceFilter):
    field_class = UserChoiceField


class CaseFilterSet(filters.FilterSet):
    """The case list's filters, always applied to the user's already scoped cases."""

    q = filters.CharFilter(
        label=_("Search"), method="search",
        help_text=_("Reference, title, description, project name or employer"),
    )
    # distinct=False: these filter on the case's own columns and foreign keys, so no case
    # appears twice, and DISTINCT would make PostgreSQL sort every match before the LIMIT.
    category = ModelIdsFilter(
        label=_("Category"), queryset=Category.objects.all(),
        widget=forms.CheckboxSelectMultiple, distinct=False,
    )
    district = ModelIdsFilter(
        label=_("District"), queryset=District.objects.none(),
        widget=forms.CheckboxSelectMultiple, distinct=False,
    )
    status = filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    risk_level = filters.MultipleChoiceFilter(
        label=_("Risk level"), choices=RiskLevel.choices, widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    owner = UserFilter(label=_("Owner"), queryset=None)
    mine = filters.BooleanFilter(
        label=_("My cases"), method="filter_mine", widget=forms.CheckboxInput
    )
    follow_up_overdue = filters.BooleanFilter(
        label=_("Follow-up overdue"), method="filter_follow_up_overdue",
        widget=forms.CheckboxInput,
    )
    target_overdue = filters.BooleanFilter(
        label=_("Target date passed"), method="filter_target_overdue",
        widget=forms.CheckboxInput,
    )
    escalated = filters.BooleanFilter(
        label=_("Escalated"), method="filter_escalated", widget=forms.CheckboxInput
    )
    escalation_level = filters.MultipleChoiceFilter(
        label=_("Escalation level"), choices=ESCALATION_LEVELS, widget=forms.CheckboxSelectMultiple,
    )
    follow_up_due = date_range(_("Follow-up due between"), "next_follow_up_due")
    resolved = date_range(_("Marked resolved between"), "resolved_at")
    created = date_range(_("Registered between"), "created_at")
    updated = date_range(_("Updated between"), "updated_at")
    o = SortFilter(
        label=_("Sort by"),
        fields=[
            ("reference", "reference", _("Reference")), ("title", "title", _("Title")),
            ("status", "status", _("Status")), ("risk_level", "risk_level", _("Risk level")),
            ("district__code", "district", _("District")),
            ("category__sort_order", "category", _("Category")),
            ("next_follow_up_due", "next_follow_up_due", _("Next follow-up")),
            ("target_date", "target_date", _("Target resolution date")),
            ("created_at", "created", _("Registration date")),
            ("updated_at", "updated", _("Last updated")),
        ],
    )

    class Meta:
        model = Case
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["district"].queryset = District.objects.for_user(user).active()
        self.filters["owner"].queryset = owners_in_scope(user)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # One id subquery, the union of three: each part can use its trigram index
        # (migration 0005), and the list can still walk its sort order and stop early.
        # Not three subqueries joined by OR: PostgreSQL checks those row by row (a
        # SubPlan), and once a common word's ids outgrow work_mem (400,000 of a
        # province's million) each row scans them all: the search took minutes.
        own = Case.objects.filter(
            Q(reference__icontains=value) | Q(title__icontains=value)
            | Q(description__icontains=value)
        ).values("pk")
        return queryset.filter(pk__in=own.union(
            RealEstateDetails.objects.filter(project_name__icontains=value).values("case_id"),
            WageArrearsDetails.objects.filter(employer__icontains=value).values("case_id"),
        ))

    def filter_mine(self, queryset, name, value):
        return queryset.filter(owner=self.user) if value else queryset

    def filter_follow_up_overdue(self, queryset, name, value):
        return queryset.follow_up_overdue(timezone.localdate()) if value else queryset

    def filter_escalated(self, queryset, name, value):
        return queryset.filter(escalation_level__gt=0) if value else queryset

    def filter_target_overdue(self, queryset, name, value):
        return queryset.target_overdue(timezone.localdate()) if value else queryset

    def status_counts(self) -> dict[str, int]:
        """Cases per status that pass every filter but the status one (the list's chips,
        and its count): one grouped ``COUNT(*)``, which PostgreSQL answers from the
        ``cases_case_list_counts`` index alone. Invalid values are left out, as in
        ``.qs``."""
        cases = self.queryset.all()
        if self.is_bound:
            self.form.is_valid()
            for name, value in self.form.cleaned_data.items():
                if name != "status":
                    cases = self.filters[name].filter(cases, value)
        return dict(cases.order_by().values_list("status").annotate(n=Count("*")))


class SupervisionOrderFilterSet(filters.FilterSet):
    """The supervision list's filters, applied to the user's already scoped orders."""

    q = filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Case reference or title"),
    )
    state = filters.MultipleChoiceFilter(
        label=_("State"), choices=OrderState.choices, widget=forms.CheckboxSelectMultiple
    )
    level = filters.ChoiceFilter(
        label=_("Level"), choices=SupervisionLevel.choices, empty_label=_("Any level")
    )
    overdue = filters.BooleanFilter(
        label=_("Overdue"), method="filter_overdue", widget=forms.CheckboxInput
    )
    pending_extension = filters.BooleanFilter(
        label=_("More time requested"), method="filter_pending_extension",
        widget=forms.CheckboxInput,
    )
    district = ModelIdsFilter(
        label=_("District"), field_name="case__district", queryset=District.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    issued = date_range(_("Issued between"), "issued_at")
    o = SortFilter(
        label=_("Sort by"),
        fields=[
            ("due_date", "due_date", _("Due date")), ("issued_at", "issued", _("Date issued")),
            ("case__reference", "case", _("Case")), ("state", "state", _("State")),
            ("level", "level", _("Level")),
        ],
    )

    class Meta:
        model = SupervisionOrder
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = District.objects.for_user(user).active()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(case__reference__icontains=value) | Q(case__title__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def filter_pending_extension(self, queryset, name, value):
        if not value:
            return queryset
        pending = ExtensionRequest.objects.filter(
            order=OuterRef("pk"), state=ExtensionState.PENDING
        )
        return queryset.filter(Exists(pending))
