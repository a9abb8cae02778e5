"""Bulk actions on the case list: the selection and action are posted, a page lists what
will be done and what skipped (with why), and the user confirms (cases.actions.bulk)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cases import jobs
from cases.actions import bulk as bulk_actions
from cases.choices import BulkAction
from cases.forms import BulkForm

# The confirmation page names at most this many of the cases the action applies to.
LISTED = 200


def _back(request):
    """The list as it was (its filters, from the posted query string), never elsewhere."""
    query = QueryDict(request.POST.get("back", "")).urlencode()
    return redirect(reverse("cases:list") + (f"?{query}" if query else ""))


def _refuse(request, errors):
    for error in errors:
        messages.error(request, error)
    return _back(request)


def _values(form, bulk):
    """The action's values as the confirmation page shows them: (label, value)."""
    shown = []
    for name, value in bulk.values.items():
        field = form.fields[name]
        if name == "owner":
            value = field.label_from_instance(value)
        elif hasattr(field, "choices"):
            value = dict(field.choices).get(value, value)
        shown.append((field.label, value))
    return shown


@require_POST
def case_bulk(request):
    form = BulkForm(request.POST, user=request.user)
    if not form.is_valid():
        return _refuse(request, [error for errors in form.errors.values() for error in errors])
    bulk, selection = form.bulk(), form.cleaned_data["selection"]
    try:
        ids = bulk_actions.selected_ids(request.user, selection)
    except ValidationError as error:
        return _refuse(request, error.messages)
    plan = bulk_actions.plan(request.user, bulk, ids)
    if request.POST.get("confirm") != "1" or not plan.cases:
        return render(request, "cases/bulk_confirm.html", {
            "form": form, "bulk": bulk, "action": BulkAction(bulk.action).label,
            "values": _values(form, bulk), "plan": plan, "listed": plan.cases[:LISTED],
            "more": max(0, len(plan.cases) - LISTED), "selection": selection,
            "background": len(plan.cases) > bulk_actions.INLINE_CASES,
            "hidden": [(name, value) for name, values in request.POST.lists()
                       if name not in ("csrfmiddlewaretoken", "confirm") for value in values],
        })
    ids = [case.pk for case in plan.cases]
    if len(ids) > bulk_actions.INLINE_CASES:
        job = jobs.start_bulk(user=request.user, data=request.POST, ids=ids)
        messages.info(request, _("Many cases: the action runs in the background. You can "
                                 "leave this page; your inbox tells you when it is done."))
        return redirect(job)
    try:
        done = bulk_actions.run_inline(request.user, bulk, ids, selection)
    except ValidationError as error:
        return _refuse(request, error.messages)
    messages.success(request, ngettext(
        "“%(action)s” done on %(count)s case, each with the note in its history.",
        "“%(action)s” done on %(count)s cases, each with the note in its history.",
        len(done)) % {"action": BulkAction(bulk.action).label, "count": len(done)}
        + (" " + ngettext("%(count)s case was skipped.", "%(count)s cases were skipped.",
                          len(plan.skipped)) % {"count": len(plan.skipped)}
           if plan.skipped else ""))
    return _back(request)
