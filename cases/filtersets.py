import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
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
from riskdesk.models import District


class Checkboxes(forms.CheckboxSelectMultiple):
    """``CheckboxSelectMultiple`` with the very same HTML, written in Python.

    The case list shows about 30 of these options on every request; Django renders each
    through three templates (input_option, input, attrs), which was about a quarter of the
    list's time. Same output, checked by tests/cases/test_list_paging.py.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<div{}{}>', _attr(" id", widget["attrs"].get("id")),
                             _attr(" class", widget["attrs"].get("class")))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html("\n  <div><label>{}</label>", group))
            for option in options:
                option_attrs = option["attrs"]
                label_for = _attr(" for", option_attrs.get("id"))
                value_html = (format_html(' value="{}"', str(option["value"]))
                              if option["value"] is not None else "")
                attrs_html = mark_safe("".join(  # every part escaped by format_html
                    format_html(" {}", key) if item is True else
                    format_html(' {}="{}"', key, str(item))
                    for key, item in option_attrs.items() if item is not False
                ))
                parts.append(format_html(
                    '<div>\n    <label{}><input type="{}" name="{}"{}{}>\n {}</label>\n\n</div>',
                    label_for, option["type"], option["name"], value_html, attrs_html,
                    option["label"],
                ))
            if group:
                parts.append(mark_safe("\n  </div>"))
        parts.append(mark_safe("\n</div>"))
        return mark_safe("".join(parts))  # built with format_html


def _attr(name, value):
    return format_html('{}="{}"', name, value) if value else ""


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
    category = filters.ModelMultipleChoiceFilter(
        label=_("Category"), queryset=Category.objects.all(),
        widget=Checkboxes, distinct=False,
    )
    district = filters.ModelMultipleChoiceFilter(
        label=_("District"), queryset=District.objects.none(),
        widget=Checkboxes, distinct=False,
    )
    status = filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, widget=Checkboxes,
        distinct=False,
    )
    risk_level = filters.MultipleChoiceFilter(
        label=_("Risk level"), choices=RiskLevel.choices, widget=Checkboxes,
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
    created = filters.DateFromToRangeFilter(
        label=_("Registered between"), field_name="created_at",
        widget=filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    updated = filters.DateFromToRangeFilter(
        label=_("Updated between"), field_name="updated_at",
        widget=filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    o = filters.OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("reference", "reference"), ("title", "title"), ("status", "status"),
            ("risk_level", "risk_level"), ("district__code", "district"),
            ("category__sort_order", "category"), ("next_follow_up_due", "next_follow_up_due"),
            ("target_date", "target_date"), ("created_at", "created"), ("updated_at", "updated"),
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
        # Three id subqueries rather than joins: each can use its trigram index
        # (migration 0005), and the list can still walk its sort order and stop early.
        own = Case.objects.filter(
            Q(reference__icontains=value) | Q(title__icontains=value)
            | Q(description__icontains=value)
        )
        return queryset.filter(
            Q(pk__in=own.values("pk"))
            | Q(pk__in=RealEstateDetails.objects.filter(project_name__icontains=value)
                .values("case_id"))
            | Q(pk__in=WageArrearsDetails.objects.filter(employer__icontains=value)
                .values("case_id"))
        )

    def filter_mine(self, queryset, name, value):
        return queryset.filter(owner=self.user) if value else queryset

    def filter_follow_up_overdue(self, queryset, name, value):
        return queryset.follow_up_overdue(timezone.localdate()) if value else queryset

    def filter_escalated(self, queryset, name, value):
        return queryset.filter(escalation_level__gt=0) if value else queryset

    def filter_target_overdue(self, queryset, name, value):
        return queryset.target_overdue(timezone.localdate()) if value else queryset


class SupervisionOrderFilterSet(filters.FilterSet):
    """The supervision list's filters, applied to the user's already scoped orders."""

    q = filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Case reference or title"),
    )
    state = filters.MultipleChoiceFilter(
        label=_("State"), choices=OrderState.choices, widget=Checkboxes
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
    district = filters.ModelMultipleChoiceFilter(
        label=_("District"), field_name="case__district", queryset=District.objects.none(),
        widget=Checkboxes,
    )
    o = filters.OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("due_date", "due_date"), ("issued_at", "issued"), ("case__reference", "case"),
            ("state", "state"), ("level", "level"),
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
