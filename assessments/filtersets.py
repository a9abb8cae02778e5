import re

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import (
    AgencyStatus,
    DecisionLevel,
    DecisionStatus,
    DecisionType,
    Grade,
    Recommendation,
)
from assessments.models import Agency, Decision
from assessments.models.decisions import DECISION_REFERENCE_PREFIX
from cases.filtersets import SortFilter
from riskdesk.filters import ModelIdsFilter, date_range
from riskdesk.models import District

DECISION_REFERENCE = re.compile(
    rf"{DECISION_REFERENCE_PREFIX}-(?P<year>\d{{4}})-(?P<number>\d{{1,12}})"
)


class DecisionFilterSet(filters.FilterSet):
    """The decision list's filters, applied to the user's already scoped decisions."""

    q = filters.CharFilter(label=_("Search"), method="search")
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=DecisionStatus.choices,
                                          widget=forms.CheckboxSelectMultiple)
    decision_type = filters.MultipleChoiceFilter(
        label=_("Type"), choices=DecisionType.choices, widget=forms.CheckboxSelectMultiple)
    level = filters.ChoiceFilter(label=_("Level"), choices=DecisionLevel.choices)
    district = ModelIdsFilter(
        label=_("District"), queryset=District.objects.none(),
        widget=forms.CheckboxSelectMultiple)
    grade = filters.MultipleChoiceFilter(
        label=_("Risk grade"), field_name="assessment__grade", choices=Grade.choices,
        widget=forms.CheckboxSelectMultiple)
    recommendation = filters.MultipleChoiceFilter(
        label=_("Recommendation"), field_name="assessment__recommendation",
        choices=Recommendation.choices, widget=forms.CheckboxSelectMultiple)
    assessed = date_range(_("Assessment concluded between"), "assessment__concluded_at")
    caused_problem = filters.BooleanFilter(
        label=_("Later caused a stability problem"), method="filter_caused_problem",
        widget=forms.CheckboxInput)
    key_sensitive = filters.BooleanFilter(
        label=_("Key sensitive only"), method="filter_key_sensitive", widget=forms.CheckboxInput)
    flagged = filters.BooleanFilter(
        label=_("Flagged assessments"), method="filter_flagged", widget=forms.CheckboxInput)
    # A whole year a date can have: "-1" or "1e9" would make the database layer fail (500);
    # out of range, the value is ignored like any other invalid filter value.
    year = filters.NumberFilter(label=_("Year"), field_name="planned_date", lookup_expr="year",
                                min_value=1, max_value=9999, decimal_places=0)

    class Meta:
        model = Decision
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = District.objects.for_user(user).active()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        quoted = DECISION_REFERENCE.fullmatch(value.upper())
        if quoted:  # a reference, as lists and the work summary quote it
            return queryset.filter(pk=int(quoted["number"]),
                                   created_at__year=int(quoted["year"]))
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value)
                               | Q(department__name_zh__icontains=value)
                               | Q(department__name_en__icontains=value))

    def filter_key_sensitive(self, queryset, name, value):
        return queryset.filter(key_sensitive=True) if value else queryset

    def filter_caused_problem(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(Decision.caused_cases.through.objects.filter(
            decision=OuterRef("pk"))))

    def filter_flagged(self, queryset, name, value):
        return queryset.filter(assessment__flagged=True) if value else queryset


class AgencyFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=AgencyStatus.choices,
                                          widget=forms.CheckboxSelectMultiple)
    scope = filters.MultipleChoiceFilter(
        label=_("Declared scope"), field_name="scopes__decision_type",
        choices=DecisionType.choices, widget=forms.CheckboxSelectMultiple, distinct=True)
    expiring_within = filters.NumberFilter(
        label=_("Expiring within (days)"), method="filter_expiring", min_value=0,
        max_value=3650)
    # Sorting by the quality scores needs ``Agency.objects.with_scores()`` (the view's).
    o = SortFilter(
        label=_("Sort by"),
        fields=[
            ("name", "name", _("Agency")), ("valid_until", "valid_until", _("Valid until")),
            ("score_rank", "score", _("Average quality score")),
            ("scored_count", "scored", _("Scored assessments")),
        ],
    )

    class Meta:
        model = Agency
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value)
                               | Q(reference__icontains=value)) if value else queryset

    def filter_expiring(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.expiring_within(int(value), timezone.localdate())
