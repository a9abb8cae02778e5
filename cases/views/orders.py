"""Supervision orders' pages (督办单): the list in the user's scope, one order's page,
issuing an order from the case page and the small POST steps on an order."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.transaction import non_atomic_requests
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import actions
from cases.choices import ExtensionState, OrderState
from cases.columns import ORDER_COLUMNS
from cases.filtersets import SupervisionOrderFilterSet
from cases.forms import IssueOrderForm, order_step_form
from cases.models import ExtensionRequest, SupervisionOrder
from cases.views.cases import case_page_context, scoped_case
from cases.views.exports import list_exports
from cases.views.order_panels import ORDER_PEOPLE, order_panel, order_timeline, with_order_details
from riskdesk import saved_views
from riskdesk.access import scope_of
from riskdesk.choices import SavedList
from riskdesk.columns import choose_view, page_context, rows
from riskdesk.forms import add_errors
from riskdesk.lists import paginate, remembered


def scoped_order(request, pk):
    """The order if its case is in the user's scope, else 404."""
    queryset = SupervisionOrder.objects.for_user(request.user).select_related(
        "case", "case__district", "case__owner", *ORDER_PEOPLE
    )
    return get_object_or_404(with_order_details(queryset), pk=pk)


def hidden_columns(user):
    """The default columns the order list leaves out: the district, for district staff
    (who see one)."""
    return ("district",) if scope_of(user).is_staff else ()


def filtered_orders(request):
    """The filterset and the orders in the user's scope it keeps, in the list's order
    (open ones first, soonest due first, unless the user sorts), with what every row
    reads (its case, district and issuer: the columns' ``related`` leave them out)."""
    scoped = SupervisionOrder.objects.for_user(request.user)
    filterset = SupervisionOrderFilterSet(request.GET or None, queryset=scoped,
                                          user=request.user)
    orders = filterset.qs.select_related("case", "case__district", "issued_by")
    if not (filterset.is_bound and filterset.form.is_valid()
            and filterset.form.cleaned_data.get("o")):
        closed_last = models.Case(
            models.When(state=OrderState.CLOSED, then=models.Value(1)),
            default=models.Value(0), output_field=models.IntegerField(),
        )
        orders = orders.order_by(closed_last, "due_date", "id")
    return filterset, orders


@require_GET
@non_atomic_requests  # reads only: no transaction (BEGIN/COMMIT) around it
def order_list(request):
    opened = saved_views.open_list(
        request, SavedList.ORDERS, lambda data: SupervisionOrderFilterSet(
            data, queryset=SupervisionOrder.objects.none(), user=request.user), ORDER_COLUMNS)
    if opened:
        return opened
    restore = remembered(request, "orders")
    if restore:
        return restore
    views = saved_views.list_views(
        request, SavedList.ORDERS, choose_columns=lambda view, setting: ORDER_COLUMNS.chosen(
            view=view, setting=setting, hidden=hidden_columns(request.user)))
    shown = views["columns"]
    filterset, orders = filtered_orders(request)
    pending = ExtensionRequest.objects.filter(order=OuterRef("pk"),
                                              state=ExtensionState.PENDING)
    orders = ORDER_COLUMNS.with_related(orders, shown).annotate(
        has_pending_extension=Exists(pending))
    listed = paginate(request, orders)
    return render(request, "cases/orders.html", {
        "filterset": filterset,
        **listed,
        **views,
        "rows": rows(listed["page"].object_list, shown),
        **page_context(ORDER_COLUMNS, shown, "supervision:columns"),
        "today": timezone.localdate(),
    })


order_columns = choose_view(SavedList.ORDERS, ORDER_COLUMNS, "supervision:list")
export_csv, export_xlsx = list_exports(
    list_name=SavedList.ORDERS, column_set=ORDER_COLUMNS, stem="orders",
    filtered=lambda request: filtered_orders(request)[1], hidden=hidden_columns)


def order_page_context(request, order, *, bound=None):
    return {
        "order": order,
        "case": order.case,
        "panel": order_panel(request.user, order, timezone.localdate(), bound=bound),
        "timeline": order_timeline(order),
        "today": timezone.localdate(),
    }


@require_GET
def order_detail(request, pk):
    order = scoped_order(request, pk)
    return render(request, "cases/order.html", order_page_context(request, order))


@require_GET
def order_redirect(request, reference, pk):
    """``SupervisionOrder.get_absolute_url()`` (used in notices): the order's page."""
    order = get_object_or_404(
        SupervisionOrder.objects.for_user(request.user), pk=pk, case__reference=reference
    )
    return redirect("supervision:order", pk=order.pk)


@require_POST
def order_issue(request, reference):
    case = scoped_case(request, reference)
    refusal = actions.issue_order_refusal(request.user, case)
    if refusal:
        # The page shows no issue form to this user: say why at the top of it.
        messages.error(request, refusal)
        return redirect(case)
    form = IssueOrderForm(request.POST, user=request.user, prefix="issue")
    if form.is_valid():
        try:
            order = actions.issue_order(user=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Supervision order issued, due %(date)s.") % {
                "date": date_format(order.due_date)})
            return redirect(f"{case.get_absolute_url()}#order-{order.pk}")
    return render(request, "cases/detail.html", case_page_context(request, case,
                                                                   issue_form=form))


def _order_step(request, pk, step, run, done):
    """One small POST step on an order: validate the form, run the action. A refusal is
    shown next to the form it came from (the case page or the order's page)."""
    order = scoped_order(request, pk)
    form = order_step_form(step, order, request.POST, request.FILES)
    from_case = request.POST.get("back") == "case"
    if form.is_valid():
        try:
            said = run(order, form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, said or done)
            if from_case:
                return redirect(f"{order.case.get_absolute_url()}#order-{order.pk}")
            return redirect("supervision:order", pk=order.pk)
    bound = (order.pk, step, form)
    if from_case:
        return render(request, "cases/detail.html",
                      case_page_context(request, order.case, bound=bound))
    return render(request, "cases/order.html", order_page_context(request, order, bound=bound))


@require_POST
def order_acknowledge(request, pk):
    def run(order, data):
        actions.acknowledge_order(user=request.user, order=order)
    return _order_step(request, pk, "acknowledge", run, _("Order acknowledged."))


@require_POST
def order_answer(request, pk):
    def run(order, data):
        actions.answer_order(user=request.user, order=order, answer=data["answer"],
                             uploads=data.get("files") or [])
    return _order_step(request, pk, "answer", run, _("Answer sent to the supervisor."))


@require_POST
def order_close(request, pk):
    def run(order, data):
        actions.close_order(user=request.user, order=order, note=data["note"])
    return _order_step(request, pk, "close", run, _("Order closed."))


@require_POST
def order_return(request, pk):
    def run(order, data):
        actions.return_order(user=request.user, order=order, note=data["note"])
    return _order_step(request, pk, "return", run,
                       _("Order sent back: the district must answer again."))


@require_POST
def extension_request(request, pk):
    def run(order, data):
        actions.request_extension(user=request.user, order=order, reason=data["reason"],
                                  requested_due_date=data["requested_due_date"])
    return _order_step(request, pk, "extension", run,
                       _("Request for more time sent to the supervisor."))


@require_POST
def extension_decide(request, pk, extension):
    # The request must be this order's, and the order in the user's scope: else 404.
    target = get_object_or_404(
        ExtensionRequest.objects.filter(order__in=SupervisionOrder.objects.for_user(request.user)),
        order_id=pk, pk=extension,
    )

    def run(order, data):
        grant = data["decision"] == "grant"
        actions.decide_extension(user=request.user, request=target, grant=grant,
                                 note=data["note"])
        if grant:
            return _("More time granted: the order is now due %(date)s.") % {
                "date": date_format(target.requested_due_date)}
        return _("Request for more time refused; the due date stays %(date)s.") % {
            "date": date_format(order.due_date)}
    return _order_step(request, pk, "decide", run, _("Decision recorded."))
