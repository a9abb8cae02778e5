import functools
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch
from django.db.transaction import non_atomic_requests
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import actions, exports, imports, jobs
from cases.choices import (
    EscalationTrigger,
    EventKind,
    ExtensionState,
    JobKind,
    JobState,
    OrderState,
    Status,
    SupervisionLevel,
)
from cases.filtersets import CaseFilterSet, SupervisionOrderFilterSet
from cases.forms import (
    AttachmentForm,
    CaseForm,
    FollowUpForm,
    ImportForm,
    IssueOrderForm,
    TransitionForm,
    details_forms,
    order_step_form,
)
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    ExtensionRequest,
    FollowUp,
    Job,
    SupervisionOrder,
)
from riskdesk import audit
from riskdesk.access import scope_of
from riskdesk.choices import AuditAction
from riskdesk.lists import remembered

PAGE_SIZES = (10, 25, 50, 100)


def scoped_case(request, reference):
    """The case if it is in the user's scope, else 404 (never 403: existence stays hidden)."""
    queryset = Case.objects.for_user(request.user).with_related()
    return get_object_or_404(queryset, reference=reference)


def add_errors(form, error: ValidationError):
    """Put an action's refusal on the form, next to the field it names where it can."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# ---------------------------------------------------------------- list and exports
def filtered_cases(request):
    scoped = Case.objects.for_user(request.user)
    filterset = CaseFilterSet(request.GET or None, queryset=scoped, user=request.user)
    return filterset, filterset.qs


class CasePaginator(Paginator):
    """A paginator that is told its count and fetches a page in two steps.

    The count comes from the per-status counts the page shows anyway, so the filtered
    cases are counted once, not twice. A page is read as ids first (an index-only walk
    of the sort order, from whichever end is nearer), then only those cases with their
    related rows: an OFFSET no longer joins category, district and owner for every
    skipped row.
    """

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self):
        return self._count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = self.page_ids(bottom, top)
        # The ids come from the scoped, filtered queryset: reading them back needs neither
        # the scope nor the filters again (a search would otherwise run twice).
        by_id = Case.objects.with_related().in_bulk(ids)
        return self._get_page([by_id[pk] for pk in ids if pk in by_id], number, self)

    def page_ids(self, bottom, top) -> list:
        """The ids of rows ``bottom`` to ``top`` in the list's order. An OFFSET walks every
        row before the page, so a page in the second half is read from the other end, in
        the reverse order: the last page skips no row at all. The orders end with the id
        and reversing one also moves the empty values to the other end, so both walks
        give the same rows."""
        ids = self.object_list.values_list("pk", flat=True)
        if bottom <= self.count - top or not ids.ordered:
            return list(ids[bottom:bottom + self.per_page])
        return list(ids.reverse()[self.count - top:self.count - bottom])[::-1]


@require_GET
@non_atomic_requests  # reads only: no transaction (BEGIN/COMMIT) around it
def case_list(request):
    restore = remembered(request, "cases")
    if restore:
        return restore
    filterset, cases = filtered_cases(request)
    try:
        per_page = int(request.GET.get("per_page", 25))
    except ValueError:
        per_page = 25
    per_page = per_page if per_page in PAGE_SIZES else 25
    # Counts per status for the current filters but any status: one grouped query, which
    # also gives the list's count (the statuses chosen, else all).
    counts = filterset.status_counts()
    status_counts = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    chosen = filterset.form.cleaned_data.get("status") if filterset.is_bound else None
    count = sum(counts.get(value, 0) for value in chosen) if chosen else sum(counts.values())
    page = CasePaginator(cases, per_page, count=count).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    scope, today = scope_of(request.user), timezone.localdate()
    return render(request, "cases/list.html", {
        "filterset": filterset,
        "page": page,
        "show_district": not scope.is_staff,
        "status_counts": status_counts,
        "total": sum(counts.values()),
        "query": query.urlencode(),
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "can_register": actions.can_register(request.user),
        "today": today,
    })


def export_in_background(request, cases, kind):
    """A big list is exported by a background job: the job's page, or None to export
    it here and now."""
    if cases.count() <= jobs.EXPORT_INLINE_ROWS:
        return None
    job = jobs.start_export(user=request.user, kind=kind, query=request.GET.urlencode())
    messages.info(request, _("The list is long: it is being exported in the background. "
                             "You can leave this page; your inbox tells you when it is ready."))
    return redirect(job)


def audit_export(request, suffix):
    audit.record(request, AuditAction.EXPORT, object_label=export_name(suffix),
                 query=request.GET.urlencode())


@require_GET
def export_csv(request):
    _filterset, cases = filtered_cases(request)
    audit_export(request, "csv")
    background = export_in_background(request, cases, JobKind.EXPORT_CSV)
    if background:
        return background
    response = StreamingHttpResponse(
        exports.csv_rows(cases), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_name("csv")}"'
    return response


@require_GET
def export_xlsx(request):
    _filterset, cases = filtered_cases(request)
    audit_export(request, "xlsx")
    background = export_in_background(request, cases, JobKind.EXPORT_XLSX)
    if background:
        return background
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    exports.write_xlsx(cases, Path(handle.name))
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=export_name("xlsx"))


def export_name(suffix):
    return f"riskdesk-cases-{timezone.localtime():%Y%m%d-%H%M}.{suffix}"


# ---------------------------------------------------------------- register and edit
def _case_forms(request, case):
    """The case form and the details forms; only the chosen kind's details are bound."""
    posted = request.method == "POST"
    form = CaseForm(request.POST if posted else None, instance=case, user=request.user)
    valid = posted and form.is_valid()
    kind = form.chosen_kind() if posted else (case.category.kind if case.pk else None)
    details_by_kind = details_forms(case, request.POST if posted else None, kind=kind)
    return form, details_by_kind, valid, kind


def _details_for_save(details_by_kind, kind):
    form = details_by_kind.get(kind)
    return form.save(commit=False) if form is not None else None


def _details_valid(details_by_kind, kind):
    form = details_by_kind.get(kind)
    return form is None or form.is_valid()


@require_http_methods(["GET", "POST"])
def case_create(request):
    if not actions.can_register(request.user):
        raise PermissionDenied
    case = Case()
    form, details_by_kind, valid, kind = _case_forms(request, case)
    if valid and _details_valid(details_by_kind, kind):
        try:
            case = actions.register_case(
                user=request.user, case=form.instance,
                details=_details_for_save(details_by_kind, kind),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Case %(ref)s registered.") % {"ref": case.reference})
            return redirect(case)
    return render(request, "cases/form.html", {
        "form": form, "details_forms": details_by_kind, "case": None,
    })


@require_http_methods(["GET", "POST"])
def case_edit(request, reference):
    case = scoped_case(request, reference)
    if not actions.can_work_on(request.user, case):
        raise PermissionDenied
    if not case.is_open:
        messages.warning(request, _("A closed case cannot be edited; a supervisor can reopen it."))
        return redirect(case)
    form, details_by_kind, valid, kind = _case_forms(request, case)
    if valid and _details_valid(details_by_kind, kind):
        try:
            changes = actions.update_case(
                user=request.user, case=form.instance,
                details=_details_for_save(details_by_kind, kind),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changes:
                messages.success(request, _("Changes saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(case)
    return render(request, "cases/form.html", {
        "form": form, "details_forms": details_by_kind, "case": case,
    })


# ---------------------------------------------------------------- the case page
def case_page_lists(case) -> dict:
    """The case page's ``events`` (newest first, with their users), ``follow_ups`` (with
    their authors), ``attachments`` (with uploader and follow-up) and ``orders`` (newest
    first, with the people who issued and handled them): one query each."""
    return {
        "events": case.events.select_related("user").order_by("-at", "-id"),
        "follow_ups": case.follow_ups.select_related("created_by"),
        "attachments": case.attachments.select_related("uploaded_by", "follow_up"),
        "orders": case.orders.select_related(*ORDER_PEOPLE).order_by("-issued_at", "-id"),
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


def case_page_context(request, case, *, issue_form=None, bound=None):
    """Everything the case page shows. ``issue_form`` and ``bound`` (an order's step form
    with its refusal: ``(order_pk, step, form)``) re-show a refused form where it was."""
    user = request.user
    can_work = actions.can_work_on(user, case) and case.is_open
    lists = case_page_lists(case)
    attachments, follow_ups = list(lists["attachments"]), list(lists["follow_ups"])
    # Each follow-up's files, from the case's attachments read once for the list below
    # (a query fewer than prefetching them), in the order they were attached.
    files = {}
    for attachment in sorted(attachments, key=lambda attachment: attachment.pk):
        files.setdefault(attachment.follow_up_id, []).append(attachment)
    for follow_up in follow_ups:
        follow_up.files = files.get(follow_up.pk, [])
    today = timezone.localdate()
    orders = with_order_details(lists["orders"])
    can_issue = actions.can_issue_order(user, case)
    if can_issue and issue_form is None:
        issue_form = IssueOrderForm(user=user, prefix="issue")
    return {
        "case": case,
        "details": case.details(),
        "labels": case.figure_labels(),
        "history": timeline_entries(lists["events"]),
        "follow_ups": follow_ups,
        "attachments": attachments,
        "transitions": actions.allowed_transitions(user, case),
        "transition_form": TransitionForm(),
        "can_work": can_work,
        "follow_up_form": FollowUpForm(case=case) if can_work else None,
        "attachment_form": AttachmentForm() if can_work else None,
        "order_panels": [order_panel(user, order, today, bound=bound) for order in orders],
        "issue_form": issue_form if can_issue else None,
        "today": today,
        "personal_data": personal_data(case),
        "can_reveal": actions.can_reveal_personal_data(user, case),
    }


@require_GET
@non_atomic_requests  # reads only: no transaction (BEGIN/COMMIT) around it
def case_detail(request, reference):
    case = scoped_case(request, reference)
    return render(request, "cases/detail.html", case_page_context(request, case))


# ---------------------------------------------------------------- personal data
PERSONAL_FIELDS = ("contact_id_number", "contact_phone")


def personal_data(case, revealed=None):
    """The case's personal numbers for its page: masked, or whole when just revealed."""
    return [
        {
            "name": name,
            "label": capfirst(Case._meta.get_field(name).verbose_name),
            "masked": getattr(case, f"{name}_masked"),
            "value": getattr(case, name) if name == revealed else "",
        }
        for name in PERSONAL_FIELDS
    ]


@require_POST
def reveal_contact(request, reference, name):
    """Show one personal number whole, to the owner, a supervisor or an admin; audited."""
    case = scoped_case(request, reference)
    if name not in PERSONAL_FIELDS:
        raise Http404
    if not actions.can_reveal_personal_data(request.user, case):
        raise PermissionDenied
    audit.record(request, AuditAction.REVEAL, object_label=f"{case.reference} {name}")
    context = case_page_context(request, case)
    context["personal_data"] = personal_data(case, revealed=name)
    response = render(request, "cases/detail.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def case_transition(request, reference, name):
    case = scoped_case(request, reference)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Every status change needs a note."))
        return redirect(case)
    try:
        actions.transition(user=request.user, case=case, name=name, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Status changed to “%(status)s”.") % {
            "status": case.get_status_display()
        })
    return redirect(case)


@require_http_methods(["GET", "POST"])
def follow_up_create(request, reference):
    case = scoped_case(request, reference)
    if not actions.can_work_on(request.user, case):
        raise PermissionDenied
    form = FollowUpForm(request.POST or None, request.FILES or None, case=case,
                        instance=FollowUp(case=case))
    if request.method == "POST" and form.is_valid():
        try:
            actions.log_follow_up(
                user=request.user, case=case, follow_up=form.instance,
                uploads=form.cleaned_data.get("files") or [],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Follow-up logged."))
            return redirect(case)
    return render(request, "cases/follow_up_form.html", {"case": case, "form": form})


@require_POST
def attachment_upload(request, reference):
    case = scoped_case(request, reference)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose at least one file."))
        return redirect(case)
    try:
        for upload in form.cleaned_data["files"]:
            actions.add_attachment(user=request.user, case=case, upload=upload)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Files attached."))
    return redirect(case)


@require_GET
def attachment_download(request, reference, pk):
    case = scoped_case(request, reference)
    attachment = get_object_or_404(Attachment.objects.for_user(request.user), case=case, pk=pk)
    audit.record(request, AuditAction.DOWNLOAD,
                 object_label=f"{case.reference} {attachment.original_name}")
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- import
@require_http_methods(["GET", "POST"])
def case_import(request):
    if not actions.can_register(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > jobs.IMPORT_INLINE_BYTES:
                imports.check_file(upload)  # a file that cannot be read is refused now
                job = jobs.start_import(user=request.user, upload=upload)
                messages.info(request, _("The file is big: it is being checked and imported "
                                         "in the background. Your inbox tells you when it is "
                                         "done."))
                return redirect(job)
            result = imports.import_cases(user=request.user, upload=upload)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if not result.errors:
                messages.success(request, imported_message(result))
                return redirect("cases:list")
    return render(request, "cases/import.html", {
        "form": form, "result": result, "columns": imports.IMPORT_COLUMNS,
    })


def imported_message(result) -> str:
    text = ngettext(
        "%(count)s case imported.", "%(count)s cases imported.", result.created
    ) % {"count": result.created}
    if result.skipped:
        text += " " + ngettext(
            "%(count)s row had been imported before and was skipped.",
            "%(count)s rows had been imported before and were skipped.",
            result.skipped,
        ) % {"count": result.skipped}
    return text


@require_GET
def import_template(request, suffix):
    if suffix == "csv":
        response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            imports.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="riskdesk-import-template.{suffix}"'
    return response


# ---------------------------------------------------------------- background jobs
@require_GET
def job_detail(request, pk):
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
    return render(request, "cases/job.html", {
        "job": job,
        "errors": job.summary.get("errors", []) if isinstance(job.summary, dict) else [],
        "others": Job.objects.for_user(request.user).exclude(pk=job.pk)[:5],
    })


@require_GET
def job_download(request, pk):
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk, state=JobState.DONE)
    if not job.result:
        raise Http404
    response = FileResponse(job.result.open("rb"), as_attachment=True,
                            filename=job.result_name)
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- supervision orders
ORDER_EVENT_KINDS = {
    EventKind.ORDER_ISSUED, EventKind.ORDER_ACKNOWLEDGED, EventKind.ORDER_ANSWERED,
    EventKind.ORDER_RETURNED, EventKind.ORDER_CLOSED, EventKind.EXTENSION_REQUESTED,
    EventKind.EXTENSION_DECIDED,
}
# The people an order's page names, read with the order in one query.
ORDER_PEOPLE = ("issued_by", "acknowledged_by", "answered_by", "closed_by")


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


def scoped_order(request, pk):
    """The order if its case is in the user's scope, else 404."""
    queryset = SupervisionOrder.objects.for_user(request.user).select_related(
        "case", "case__district", "case__owner", *ORDER_PEOPLE
    )
    return get_object_or_404(with_order_details(queryset), pk=pk)


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


@require_GET
@non_atomic_requests  # reads only: no transaction (BEGIN/COMMIT) around it
def order_list(request):
    restore = remembered(request, "orders")
    if restore:
        return restore
    scoped = SupervisionOrder.objects.for_user(request.user)
    filterset = SupervisionOrderFilterSet(request.GET or None, queryset=scoped,
                                          user=request.user)
    pending = ExtensionRequest.objects.filter(order=OuterRef("pk"),
                                              state=ExtensionState.PENDING)
    orders = filterset.qs.select_related("case", "case__district", "issued_by").annotate(
        has_pending_extension=Exists(pending)
    )
    if not (filterset.is_bound and filterset.form.is_valid()
            and filterset.form.cleaned_data.get("o")):
        # Open orders first, soonest due first; closed ones after them.
        closed_last = models.Case(
            models.When(state=OrderState.CLOSED, then=models.Value(1)),
            default=models.Value(0), output_field=models.IntegerField(),
        )
        orders = orders.order_by(closed_last, "due_date", "id")
    try:
        per_page = int(request.GET.get("per_page", 25))
    except ValueError:
        per_page = 25
    per_page = per_page if per_page in PAGE_SIZES else 25
    page = Paginator(orders, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/orders.html", {
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "today": timezone.localdate(),
    })


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
