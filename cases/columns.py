"""The columns of the case list and of the supervision-order list: every field the list
can show (category details included), of which each user chooses which to show, in which
order (``riskdesk.columns``). The choice is kept per user and per saved view
(``riskdesk.saved_views``); each list's CSV/Excel export follows it.

A column's value is the export's (``cases.exports.EXPORT_COLUMNS``), so the list and the
file agree (personal numbers masked); the details come from one-to-one rows the list
reads with the page (``select_related``), so no column choice adds a query.
"""

from django.utils.translation import gettext as _

from cases.exports import DETAILS, EXPORT_COLUMNS, _local
from cases.models import (
    Case,
    MassVictimDetails,
    RealEstateDetails,
    SupervisionOrder,
    WageArrearsDetails,
)
from riskdesk.columns import Column, ColumnSet, field_label, person

DETAIL_MODELS = {"real_estate": RealEstateDetails, "wage_arrears": WageArrearsDetails,
                 "mass_victim": MassVictimDetails}
DETAIL_FIELDS = {name: relation for relation, model in DETAIL_MODELS.items()
                 for name in (field.name for field in model._meta.fields)
                 if name not in ("id", "case")}
NUMERIC = frozenset({"people_affected", "people_helped", "amount_involved", "amount_recovered",
                     "households_affected", "households_delivered"})
WIDE = frozenset({"title", "description"})
# The list's columns when the user has chosen none (the district only where the user sees
# more than one).
DEFAULT = ("reference", "title", "category", "district", "risk_level", "status", "owner",
           "next_follow_up_due", "people_affected")


def _label(key):
    relation = DETAIL_FIELDS.get(key)
    if relation is None:
        return field_label(Case, key)
    return field_label(DETAIL_MODELS[relation], key, of=DETAIL_MODELS[relation])


CASE_COLUMNS = ColumnSet(columns=tuple(
    Column(key, _label(key), accessor,
           related=(DETAIL_FIELDS[key],) if key in DETAIL_FIELDS else (),
           numeric=key in NUMERIC, wide=key in WIDE)
    for key, accessor in EXPORT_COLUMNS), default=DEFAULT)
ALL = CASE_COLUMNS.columns


# ---------------------------------------------------------------- supervision orders
def _order_field(name):
    return field_label(SupervisionOrder, name)


def _case_field(name):
    """A field of the order's case, labelled "Risk level (case)"."""
    return field_label(Case, name, of=Case)


def _order_person(name):
    return Column(name, _order_field(name), lambda order: person(getattr(order, name)),
                  related=(name,))


def _order_moment(name):
    return Column(name, _order_field(name), lambda order: _local(getattr(order, name)))


def _order_text(name, wide=True):
    return Column(name, _order_field(name), lambda order: getattr(order, name), wide=wide)


# The list always reads the order's case, its district and who issued it (its links).
ORDER_COLUMNS = ColumnSet(columns=(
    Column("number", lambda: _("Order"), lambda order: order.pk),
    Column("case", lambda: _("Case"),
           lambda order: f"{order.case.reference} {order.case.title}", wide=True),
    Column("district", lambda: _("District"), lambda order: order.case.district.name),
    Column("category", _case_field("category"), lambda order: order.case.category.name,
           related=("case__category",)),
    Column("risk_level", _case_field("risk_level"),
           lambda order: order.case.get_risk_level_display()),
    Column("case_owner", _case_field("owner"), lambda order: person(order.case.owner),
           related=("case__owner",)),
    Column("level", _order_field("level"), lambda order: order.get_level_display()),
    Column("state", _order_field("state"), lambda order: order.get_state_display()),
    _order_text("instructions"),
    Column("due_date", _order_field("due_date"), lambda order: order.due_date),
    Column("original_due_date", _order_field("original_due_date"),
           lambda order: order.original_due_date),
    _order_person("issued_by"), _order_moment("issued_at"),
    _order_person("acknowledged_by"), _order_moment("acknowledged_at"),
    _order_text("answer"), _order_person("answered_by"), _order_moment("answered_at"),
    _order_text("return_note"),
    _order_person("closed_by"), _order_moment("closed_at"),
    Column("escalation_level", _order_field("escalation_level"),
           lambda order: order.escalation_level, numeric=True),
), default=("number", "case", "district", "level", "state", "due_date", "issued_by",
            "issued_at"))

__all__ = ["ALL", "CASE_COLUMNS", "DETAILS", "ORDER_COLUMNS"]
