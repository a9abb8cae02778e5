"""The drill register's pages: the list and its export, recording and editing a drill,
the drill's page and its files."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from drills import actions, exports
from drills.filtersets import DrillFilterSet
from drills.forms import DrillForm
from drills.models import Drill, DrillAttachment
from riskdesk import audit
from riskdesk.access import scope_of
from riskdesk.choices import AuditAction, Role
from riskdesk.files import download_response
from riskdesk.forms import add_errors
from riskdesk.lists import paginate, remembered
from riskdesk.models import District

READERS = (Role.STAFF, Role.SUPERVISOR, Role.ADMIN)


def _reader(request):
    """Drills are for district staff, supervisors and administrators; others get 404."""
    if scope_of(request.user).role not in READERS:
        raise Http404


def scoped_drill(request, pk):
    """The drill if it is in the user's scope, else 404."""
    _reader(request)
    return get_object_or_404(Drill.objects.for_user(request.user).with_related(), pk=pk)


def filtered_drills(request):
    _reader(request)
    scoped = Drill.objects.for_user(request.user)
    filterset = DrillFilterSet(request.GET or None, queryset=scoped, user=request.user)
    return filterset, filterset.qs


class CountedPaginator(Paginator):
    """A paginator told its count: the list's totals have counted the drills already."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self):
        return self._count


@require_GET
def drill_list(request):
    _reader(request)
    restore = remembered(request, "drills")
    if restore:
        return restore
    filterset, drills = filtered_drills(request)
    totals = drills.order_by().totals()
    return render(request, "drills/list.html", {
        "filterset": filterset,
        **paginate(request, drills.with_related().with_file_count(), CountedPaginator,
                   count=totals["count"]),
        "totals": totals,
        "show_district": not scope_of(request.user).is_staff,
        "can_record": actions.can_record(request.user),
    })


@require_GET
def export_csv(request):
    _filterset, drills = filtered_drills(request)
    audit.record(request, AuditAction.EXPORT, object_label=exports.export_name("csv"),
                 query=request.GET.urlencode())
    response = StreamingHttpResponse(exports.csv_rows(drills),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.export_name("csv")}"'
    return response


@require_GET
def export_xlsx(request):
    _filterset, drills = filtered_drills(request)
    audit.record(request, AuditAction.EXPORT, object_label=exports.export_name("xlsx"),
                 query=request.GET.urlencode())
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    exports.write_xlsx(drills, Path(handle.name))
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=exports.export_name("xlsx"))


@require_http_methods(["GET", "POST"])
def drill_create(request):
    _reader(request)
    if not actions.can_record(request.user):
        raise PermissionDenied
    form = DrillForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            drill = actions.record_drill(user=request.user, drill=form.instance,
                                         uploads=form.cleaned_data.get("files") or [])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Drill recorded."))
            return redirect(drill)
    return render(request, "drills/form.html", {"form": form, "drill": None})


@require_http_methods(["GET", "POST"])
def drill_edit(request, pk):
    drill = scoped_drill(request, pk)
    if not actions.can_edit(request.user, drill):
        raise PermissionDenied
    form = DrillForm(request.POST or None, request.FILES or None, instance=drill,
                     user=request.user)
    if request.method == "POST" and form.is_valid():
        uploads = form.cleaned_data.get("files") or []
        try:
            changed = actions.update_drill(user=request.user, drill=form.instance,
                                           uploads=uploads)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changed or uploads:
                messages.success(request, _("Changes saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(drill)
    return render(request, "drills/form.html", {"form": form, "drill": drill})


@require_GET
def drill_detail(request, pk):
    drill = scoped_drill(request, pk)
    return render(request, "drills/detail.html", {
        "drill": drill,
        "attachments": drill.attachments.select_related("uploaded_by"),
        "can_edit": actions.can_edit(request.user, drill),
        "changes": _history(drill),
    })


def _history(drill) -> list[tuple]:
    """The drill's changes, newest first, each (change, its rows): two queries."""
    changes = list(drill.changes.select_related("user"))
    ids = {value for change in changes for value in change.changes.get("district", [])}
    names = dict(District.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    return [(change, change.shown(names)) for change in changes]


@require_GET
def attachment_download(request, pk, file):
    drill = scoped_drill(request, pk)
    attachment = get_object_or_404(DrillAttachment.objects.for_user(request.user),
                                   drill=drill, pk=file)
    audit.record(request, AuditAction.DOWNLOAD,
                 object_label=f"{_('Drill')} {drill.pk} {attachment.original_name}")
    return download_response(attachment.file, filename=attachment.original_name,
                             content_type=attachment.content_type)
