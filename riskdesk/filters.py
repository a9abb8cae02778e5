"""Filters shared by the list pages (django-filter)."""

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The largest primary key any table has (BigAutoField).
MAX_ID = 2**63 - 1


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Ids larger than any primary key are invalid choices instead of reaching the
    database, which cannot bind them on SQLite (``?district=99999999999999999999`` was a 500)."""

    def _check_values(self, value):
        for pk in value:
            try:
                too_large = abs(int(str(pk))) > MAX_ID
            except ValueError:
                continue  # not a number: the base class says it is not a valid value
            if too_large:
                raise ValidationError(self.error_messages["invalid_pk_value"],
                                      code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)


class ModelIdsFilter(filters.ModelMultipleChoiceFilter):
    """``ModelMultipleChoiceFilter`` with :class:`ModelIdsField`."""

    field_class = ModelIdsField


def date_range(label, field_name):
    """A from/to date filter (``<name>_after`` and ``<name>_before`` in the URL)."""
    return filters.DateFromToRangeFilter(
        label=label, field_name=field_name,
        widget=DateRangeInput(),
    )


class DateRangeInput(filters.widgets.DateRangeWidget):
    """Two date inputs, each with its own accessible name ("from", "to"); the range's
    legend names the pair."""

    def __init__(self):
        super().__init__(attrs={"type": "date"})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for sub, label in zip(context["widget"]["subwidgets"], (_("From"), _("To")),
                              strict=False):
            sub["attrs"]["aria-label"] = str(label)
        return context
