import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.filtersets import SortFilter
from drills.choices import DrillKind
from drills.models import Drill
from riskdesk.filters import ModelIdsFilter, date_range
from riskdesk.models import District


class DrillFilterSet(filters.FilterSet):
    """The drill list's filters, always applied to the user's already scoped drills."""

    q = filters.CharFilter(label=_("Search"), method="search",
                           help_text=_("Scenario, findings or units"))
    date = date_range(_("Held between"), "date")
    district = ModelIdsFilter(
        label=_("District"), queryset=District.objects.none(),
        widget=forms.CheckboxSelectMultiple, distinct=False,
    )
    kind = filters.MultipleChoiceFilter(
        label=_("Kind"), choices=DrillKind.choices, widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    o = SortFilter(
        label=_("Sort by"),
        fields=[
            ("date", "date", _("Date")), ("district__code", "district", _("District")),
            ("kind", "kind", _("Kind")), ("participants", "participants", _("Participants")),
        ],
    )

    class Meta:
        model = Drill
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = District.objects.for_user(user).active()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(scenario__icontains=value) | Q(findings__icontains=value)
            | Q(units__icontains=value)
        )
