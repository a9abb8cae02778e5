"""A case's history as its page and an order's page show it: each event with its
labels resolved."""

import functools

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.choices import EscalationTrigger, EventKind, ExtensionState, Status, SupervisionLevel
from cases.models import Case

ORDER_EVENT_KINDS = {
    EventKind.ORDER_ISSUED, EventKind.ORDER_ACKNOWLEDGED, EventKind.ORDER_ANSWERED,
    EventKind.ORDER_RETURNED, EventKind.ORDER_CLOSED, EventKind.EXTENSION_REQUESTED,
    EventKind.EXTENSION_DECIDED,
}


def timeline_entries(events) -> list[dict]:
    return [timeline_entry(event) for event in events]


@functools.cache
def _field_labels() -> dict:
    """The case's and its details' field names with their (lazy) labels."""
    labels = {f.name: f.verbose_name for f in Case._meta.fields}
    for model in ("real_estate", "wage_arrears", "mass_victim"):
        related = Case._meta.get_field(model).related_model
        labels.update({f.name: f.verbose_name for f in related._meta.fields})
    return labels


def timeline_entry(event) -> dict:
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
        field_labels = _field_labels()
        entry["changes"] = [
            (field_labels.get(name, name), old, new)
            for name, (old, new) in data.get("changes", {}).items()
        ]
    elif event.kind == EventKind.TRANSITION:
        entry["from_label"] = _status_label(data.get("from"))
        entry["to_label"] = _status_label(data.get("to"))
    elif event.kind in ORDER_EVENT_KINDS or (
        event.kind == EventKind.ESCALATED and data.get("order")
    ):
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
