"""A case's history as its page and an order's page show it: each event with its
labels resolved."""

import functools
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.choices import (
    EscalationTrigger,
    EventKind,
    ExtensionState,
    LinkKind,
    Status,
    SupervisionLevel,
)
from cases.models import Case

ORDER_EVENT_KINDS = {
    EventKind.ORDER_ISSUED, EventKind.ORDER_ACKNOWLEDGED, EventKind.ORDER_ANSWERED,
    EventKind.ORDER_RETURNED, EventKind.ORDER_CLOSED, EventKind.EXTENSION_REQUESTED,
    EventKind.EXTENSION_DECIDED,
}


def timeline_entries(events) -> list[dict]:
    names = CodeNames()
    return [timeline_entry(event, names) for event in events]


@functools.cache
def _fields() -> dict:
    """The case's and its details' fields by name."""
    fields = {f.name: f for f in Case._meta.fields}
    for model in ("real_estate", "wage_arrears", "mass_victim"):
        related = Case._meta.get_field(model).related_model
        fields.update({f.name: f for f in related._meta.fields})
    return fields


class CodeNames:
    """Categories and districts by code, read once per history when an edit names one."""

    def __init__(self):
        self._by_model = {}

    def get(self, model, code):
        if model not in self._by_model:
            self._by_model[model] = {item.code: item for item in model.objects.all()}
        found = self._by_model[model].get(code)
        return found.name if found is not None else code


def _value_shown(field, value, names):
    """An edited value as the reader reads it. The history keeps a choice's value, a
    category's or district's code and dates as ISO text; entries written before it did
    kept the words of their day, shown as they are."""
    if field is None or not isinstance(value, str) or not value:
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and hasattr(field.related_model, "code"):
        return names.get(field.related_model, value)
    if isinstance(field, models.DateField):
        try:
            return date_format(date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return value


def timeline_entry(event, names=None) -> dict:
    """One history entry with its labels resolved for display."""
    data = event.data or {}
    at = timezone.localtime(event.at)
    entry = {
        "event": event, "kind": event.kind, "data": data,
        # written here, not by template filters: a case page shows dozens of these
        "at_iso": at.isoformat(), "at": date_format(at, "DATETIME_FORMAT"),
        "who": (event.user.get_full_name() or event.user.get_username()) if event.user
        else _("system"),
    }
    if event.kind == EventKind.EDITED:
        fields, names = _fields(), names or CodeNames()
        entry["changes"] = [
            (fields[name].verbose_name if name in fields else name,
             _value_shown(fields.get(name), old, names),
             _value_shown(fields.get(name), new, names))
            for name, (old, new) in data.get("changes", {}).items()
        ]
    elif event.kind == EventKind.TRANSITION:
        entry["from_label"] = _status_label(data.get("from"))
        entry["to_label"] = _status_label(data.get("to"))
    elif event.kind in (EventKind.LINKED, EventKind.UNLINKED):
        kind = data.get("kind")
        entry["link_kind"] = (_("has a duplicate") if kind == LinkKind.DUPLICATE_OF
                              and not data.get("outgoing") else _choice_label(LinkKind, kind))
    elif event.kind in ORDER_EVENT_KINDS or event.kind == EventKind.ESCALATED:
        # An escalation says its level, rule and days overdue, of an order or of the case.
        entry.update(_order_entry(event.kind, data))
    return entry


def _status_label(value):
    return Status(value).label if value in Status.values else value


def _choice_label(choices, value):
    return choices(value).label if value in choices.values else (value or "")


def _order_entry(kind, data):
    """Labels for an order event in a timeline (the data keeps raw values)."""
    entry = {"order_event": True}
    if kind == EventKind.ORDER_ISSUED:
        entry["level_label"] = _choice_label(SupervisionLevel, data.get("level"))
    if kind == EventKind.EXTENSION_DECIDED:
        entry["granted"] = data.get("state") == ExtensionState.GRANTED
    if kind == EventKind.ESCALATED:
        entry["trigger_label"] = _choice_label(EscalationTrigger, data.get("trigger"))
    if data.get("supervision_level"):
        old, new = data["supervision_level"]
        entry["supervision_change"] = (
            _choice_label(SupervisionLevel, old), _choice_label(SupervisionLevel, new)
        )
    return entry
