"""Exporting a filtered list as CSV or Excel: the case list (a long one is exported by a
background job), and the lists with a column choice of their own (the supervision orders,
the decisions), in the columns the user shows."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases import exports, jobs
from cases.choices import JobKind
from cases.views.cases import filtered_cases
from riskdesk import audit
from riskdesk.choices import AuditAction
from riskdesk.columns import requested
from riskdesk.replica import reading_from_replica, streamed_from_replica


def export_in_background(request, cases, kind):
    """A big list is exported by a background job: the job's page, or None to export
    it here and now."""
    if cases.count() <= jobs.EXPORT_INLINE_ROWS:
        return None
    job = jobs.start_export(user=request.user, kind=kind, query=request.GET.urlencode())
    messages.info(request, _("The list is long: it is being exported in the background. "
                             "You can leave this page; your inbox tells you when it is ready."))
    return redirect(job)


def audit_export(request, suffix, stem="cases"):
    audit.record(request, AuditAction.EXPORT, object_label=export_name(suffix, stem),
                 query=request.GET.urlencode())


@require_GET
@reading_from_replica()  # the audit entry and a background job's row do not pin the primary
def export_csv(request):
    _filterset, cases = filtered_cases(request)
    audit_export(request, "csv")
    background = export_in_background(request, cases, JobKind.EXPORT_CSV)
    if background:
        return background
    return csv_response(exports.csv_rows(cases, exports.columns_of(request.GET)),
                        export_name("csv"))


@require_GET
@reading_from_replica()
def export_xlsx(request):
    _filterset, cases = filtered_cases(request)
    audit_export(request, "xlsx")
    background = export_in_background(request, cases, JobKind.EXPORT_XLSX)
    if background:
        return background
    return xlsx_response(
        lambda path: exports.write_xlsx(cases, path, exports.columns_of(request.GET)),
        export_name("xlsx"))


def export_name(suffix, stem="cases"):
    return f"riskdesk-{stem}-{timezone.localtime():%Y%m%d-%H%M}.{suffix}"


def csv_response(lines, name):
    """A CSV download streamed line by line, read from the replica while it streams."""
    response = StreamingHttpResponse(streamed_from_replica(lines),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def xlsx_response(write, name):
    """An Excel download: ``write(path)`` writes the workbook to a temporary file."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    write(Path(handle.name))
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=name)


def list_exports(*, list_name, column_set, filtered, stem, hidden=lambda user: ()):
    """The CSV and Excel export views of a list with a column choice: the rows of
    ``filtered(request)`` (scoped with ``for_user``, filtered as the list, in its order)
    in the columns the list shows the user (``riskdesk.columns.requested``), audited.
    ``hidden(user)``: the default columns the list leaves out for that user."""

    def prepared(request, suffix):
        columns = requested(request, list_name, column_set, hidden=hidden(request.user))
        objects = column_set.with_related(filtered(request), columns)
        audit_export(request, suffix, stem)
        return objects, columns

    @require_GET
    @reading_from_replica()
    def export_csv(request):
        objects, columns = prepared(request, "csv")
        return csv_response(exports.column_csv(objects, columns), export_name("csv", stem))

    @require_GET
    @reading_from_replica()
    def export_xlsx(request):
        objects, columns = prepared(request, "xlsx")
        return xlsx_response(lambda path: exports.write_column_xlsx(objects, path, columns),
                             export_name("xlsx", stem))

    return export_csv, export_xlsx
