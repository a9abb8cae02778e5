"""The case list's columns: every field of the export (category details included), of
which each user chooses which to show, in which order. The choice is kept per user and
per saved view (``riskdesk.saved_views``); the CSV/Excel export follows it.

A column's value is the export's (``cases.exports.EXPORT_COLUMNS``), so the list and the
file agree; the details come from one-to-one rows the list reads with the page
(``DETAILS`` in ``select_related``), so no column choice adds a query.
"""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases.exports import DETAILS, EXPORT_COLUMNS
from cases.models import Case, MassVictimDetails, RealEstateDetails, WageArrearsDetails

DETAIL_MODELS = {"real_estate": RealEstateDetails, "wage_arrears": WageArrearsDetails,
                 "mass_victim": MassVictimDetails}
DETAIL_FIELDS = {name: relation for relation, model in DETAIL_MODELS.items()
                 for name in (field.name for field in model._meta.fields)
                 if name not in ("id", "case")}
NUMERIC = frozenset({"people_affected", "people_helped", "amount_involved", "amount_recovered",
                     "households_affected", "households_delivered"})
# The list's columns when the user has chosen none (the district only where the user sees
# more than one).
DEFAULT = ("reference", "title", "category", "district", "risk_level", "status", "owner",
           "next_follow_up_due", "people_affected")
ACCESSORS = dict(EXPORT_COLUMNS)


@dataclass(frozen=True)
class Column:
    key: str

    @property
    def label(self) -> str:
        relation = DETAIL_FIELDS.get(self.key)
        if relation is None:
            return capfirst(Case._meta.get_field(self.key).verbose_name)
        model = DETAIL_MODELS[relation]
        return _("%(field)s (%(details)s)") % {
            "field": capfirst(model._meta.get_field(self.key).verbose_name),
            "details": model._meta.verbose_name}

    @property
    def numeric(self) -> bool:
        return self.key in NUMERIC

    def value(self, case):
        return ACCESSORS[self.key](case)


ALL = tuple(Column(name) for name, _accessor in EXPORT_COLUMNS)
BY_KEY = {column.key: column for column in ALL}


def known(keys) -> list[str]:
    """``keys`` that are columns, each once, in their order."""
    seen = []
    for key in keys or ():
        if key in BY_KEY and key not in seen:
            seen.append(key)
    return seen


def chosen(*, view=None, setting=None, show_district=True) -> list[Column]:
    """The columns to show: the open view's, else the user's, else the default."""
    for keys in (view.columns if view else None, setting.columns if setting else None):
        keys = known(keys)
        if keys:
            return [BY_KEY[key] for key in keys]
    return [BY_KEY[key] for key in DEFAULT if show_district or key != "district"]


def needs_details(columns) -> bool:
    return any(column.key in DETAIL_FIELDS for column in columns)


def rows(cases, columns) -> list[dict]:
    return [{"case": case, "cells": [(column, column.value(case)) for column in columns]}
            for case in cases]


def ordered_from_post(post) -> list[str]:
    """The columns ticked in the columns form (``columns``), in the order of their
    numbers (``order_<key>``); a missing or unreadable number puts a column last."""
    ticked = known(post.getlist("columns"))

    def position(item):
        index, key = item
        try:
            return (int(post.get(f"order_{key}", "")), index)
        except ValueError:
            return (10**6, index)

    return [key for _index, key in sorted(enumerate(ticked), key=position)]


def choices(current) -> list[dict]:
    """Every column for the columns form: the chosen ones first, in their order, with
    their numbers, then the others."""
    keys = [column.key for column in current]
    rest = [column for column in ALL if column.key not in keys]
    return ([{"column": column, "on": True, "order": number}
             for number, column in enumerate(current, start=1)]
            + [{"column": column, "on": False, "order": ""} for column in rest])


__all__ = ["ALL", "DETAILS", "Column", "chosen", "known", "rows"]
