import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import actions, exports, imports
from cases.choices import EventKind, Status
from cases.filtersets import CaseFilterSet
from cases.forms import (
    AttachmentForm,
    CaseForm,
    FollowUpForm,
    ImportForm,
    TransitionForm,
    details_forms,
)
from cases.models import Attachment, Case, FollowUp

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


@require_GET
def case_list(request):
    filterset, cases = filtered_cases(request)
    try:
        per_page = int(request.GET.get("per_page", 25))
    except ValueError:
        per_page = 25
    per_page = per_page if per_page in PAGE_SIZES else 25
    page = Paginator(cases.with_related(), per_page).get_page(request.GET.get("page"))
    # Counts per status for the current filters but any status: one grouped query.
    without_status = request.GET.copy()
    without_status.pop("status", None)
    counts_qs = CaseFilterSet(without_status, queryset=Case.objects.for_user(request.user),
                              user=request.user).qs
    counts = dict(counts_qs.order_by().values_list("status").annotate(n=Count("id")))
    status_counts = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/list.html", {
        "filterset": filterset,
        "page": page,
        "status_counts": status_counts,
        "total": sum(counts.values()),
        "query": query.urlencode(),
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "can_register": actions.can_register(request.user),
        "today": timezone.localdate(),
    })


@require_GET
def export_csv(request):
    _filterset, cases = filtered_cases(request)
    response = StreamingHttpResponse(
        exports.csv_rows(cases), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_name("csv")}"'
    return response


@require_GET
def export_xlsx(request):
    _filterset, cases = filtered_cases(request)
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
def timeline(case):
    """The case's history, newest first, with labels resolved for display."""
    field_labels = {f.name: f.verbose_name for f in Case._meta.fields}
    for model in ("real_estate", "wage_arrears", "mass_victim"):
        related = Case._meta.get_field(model).related_model
        field_labels.update({f.name: f.verbose_name for f in related._meta.fields})
    entries = []
    for event in case.events.select_related("user").order_by("-at", "-id"):
        data = event.data or {}
        entry = {"event": event, "kind": event.kind, "data": data}
        if event.kind == EventKind.EDITED:
            entry["changes"] = [
                (field_labels.get(name, name), old, new)
                for name, (old, new) in data.get("changes", {}).items()
            ]
        elif event.kind == EventKind.TRANSITION:
            entry["from_label"] = _status_label(data.get("from"))
            entry["to_label"] = _status_label(data.get("to"))
        entries.append(entry)
    return entries


def _status_label(value):
    return Status(value).label if value in Status.values else value


@require_GET
def case_detail(request, reference):
    case = scoped_case(request, reference)
    can_work = actions.can_work_on(request.user, case) and case.is_open
    follow_ups = case.follow_ups.select_related("created_by").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    )
    context = {
        "case": case,
        "details": case.details(),
        "labels": case.figure_labels(),
        "timeline": timeline(case),
        "follow_ups": follow_ups,
        "attachments": case.attachments.select_related("uploaded_by", "follow_up"),
        "transitions": actions.allowed_transitions(request.user, case),
        "transition_form": TransitionForm(),
        "can_work": can_work,
        "follow_up_form": FollowUpForm(case=case) if can_work else None,
        "attachment_form": AttachmentForm() if can_work else None,
        "today": timezone.localdate(),
    }
    return render(request, "cases/detail.html", context)


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
        messages.success(request, _("Status changed to \u201c%(status)s\u201d.") % {
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
        try:
            result = imports.import_cases(user=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if not result.errors:
                text = ngettext(
                    "%(count)s case imported.", "%(count)s cases imported.", result.created
                ) % {"count": result.created}
                if result.skipped:
                    text += " " + ngettext(
                        "%(count)s row had been imported before and was skipped.",
                        "%(count)s rows had been imported before and were skipped.",
                        result.skipped,
                    ) % {"count": result.skipped}
                messages.success(request, text)
                return redirect("cases:list")
    return render(request, "cases/import.html", {
        "form": form, "result": result, "columns": imports.IMPORT_COLUMNS,
    })


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
