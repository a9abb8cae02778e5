"""Supervision orders as the case page and the order's page show them: each with its
extension requests, answer files and the forms of the steps the user may take."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from cases import actions
from cases.choices import ExtensionState
from cases.forms import order_step_form
from cases.models import Attachment, CaseEvent, ExtensionRequest, SupervisionOrder
from cases.views.timeline import timeline_entries

# The people an order's page names, read with the order in one query.
ORDER_PEOPLE = ("issued_by", "acknowledged_by", "answered_by", "closed_by")


def with_order_details(queryset):
    """Orders with their extension requests and answer files: two queries in all."""
    return queryset.prefetch_related(*order_details())


def order_details():
    return (
        Prefetch("extensions", queryset=ExtensionRequest.objects.select_related(
            "requested_by", "decided_by")),
        # with the case: an attachment's address names the case's reference
        Prefetch("attachments", queryset=Attachment.objects.select_related("case")
                 .order_by("id")),
    )


@dataclass
class OrderPanel:
    """One order as a page shows it, with the forms of the steps this user may take."""

    order: SupervisionOrder
    overdue: bool
    extended: bool
    extensions: list
    pending: ExtensionRequest | None
    attachments: list
    forms: dict = field(default_factory=dict)


def order_panel(user, order, today, *, bound=None):
    extensions = list(order.extensions.all())  # prefetched: no query per order
    pending = next((e for e in extensions if e.state == ExtensionState.PENDING), None)
    forms = {
        step: order_step_form(step, order)
        for step in actions.allowed_order_steps(user, order, pending=pending)
    }
    if bound is not None and bound[0] == order.pk:
        forms[bound[1]] = bound[2]  # the refused form, with its message, where it was
    return OrderPanel(
        order=order, overdue=order.is_overdue(today),
        extended=order.due_date != order.original_due_date, extensions=extensions,
        pending=pending, attachments=list(order.attachments.all()), forms=forms,
    )


def order_timeline(order):
    """The order's own steps (and its escalations), newest first."""
    events = CaseEvent.objects.filter(case_id=order.case_id, data__order=order.pk)
    return timeline_entries(events.select_related("user").order_by("-at", "-id"))
