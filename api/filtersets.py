import django_filters as filters
from django_filters.rest_framework import DjangoFilterBackend

from cases.filtersets import CaseFilterSet


class ApiCaseFilterSet(CaseFilterSet):
    """The case list's own filters (``cases.filtersets.CaseFilterSet``, the same as
    ``/cases/``), plus ``updated_after`` for a poller; the order is the cursor's
    (``updated_at``, ``id``), so the list's sort parameter ``o`` is not offered."""

    o = None
    updated_after = filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gt",
        label="Changed after this moment (ISO 8601, e.g. 2026-03-05T08:00:00+08:00)",
    )


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter's backend, giving the filterset the user it needs for its choices."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "user": request.user}
