from datetime import date, datetime, time

import django_filters as filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend

from cases.filtersets import CaseFilterSet


class DateOrDateTimeField(forms.Field):
    """A day (2026-03-05) or a moment in ISO 8601 (2026-03-05T08:00:00+08:00)."""

    default_error_messages = {
        "invalid": _("Enter a date (2026-03-05) or a date and time in ISO 8601 "
                     "(2026-03-05T08:00:00+08:00)."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        try:
            day = parse_date(text)
        except ValueError:
            day = None
        if day is not None:
            return day
        try:
            return IsoDateTimeField().to_python(text)
        except forms.ValidationError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class ChangedFilter(filters.Filter):
    """``updated_after`` / ``updated_before``: with a day, as on the /cases/ page (from the
    start of that day / to its end, in the city's time); with a moment, strictly after or
    before it, for a poller that asks for the changes since its last run."""

    field_class = DateOrDateTimeField

    def __init__(self, *, after, **kwargs):
        super().__init__(field_name="updated_at", **kwargs)
        self.after = after

    def filter(self, qs, value):
        if value is None:
            return qs
        if isinstance(value, datetime):
            return qs.filter(**{f"updated_at__{'gt' if self.after else 'lt'}": value})
        assert isinstance(value, date)
        bound = datetime.combine(value, time.min if self.after else time.max)
        bound = timezone.make_aware(bound)
        return qs.filter(**{f"updated_at__{'gte' if self.after else 'lte'}": bound})


class ApiCaseFilterSet(CaseFilterSet):
    """The case list's own filters (``cases.filtersets.CaseFilterSet``, the same as
    ``/cases/``); its ``updated_after`` also takes a moment, for a poller. The order is the
    cursor's (``updated_at``, ``id``), so the list's sort parameter ``o`` is not offered."""

    o = None
    updated = None  # its two halves, below, take a moment as well as a day
    updated_after = ChangedFilter(
        after=True, label="Changed after: a day (from its start, as on /cases/) or a moment "
                          "(ISO 8601, strictly after)")
    updated_before = ChangedFilter(
        after=False, label="Changed before: a day (to its end, as on /cases/) or a moment "
                           "(ISO 8601, strictly before)")


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter's backend, giving the filterset the user it needs for its choices."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "user": request.user}
