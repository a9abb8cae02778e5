"""Exporting the filtered case list as CSV or Excel; a long list is exported by a
background job."""

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


def audit_export(request, suffix):
    audit.record(request, AuditAction.EXPORT, object_label=export_name(suffix),
                 query=request.GET.urlencode())


@require_GET
@reading_from_replica()  # the audit entry and a background job's row do not pin the primary
def export_csv(request):
    _filterset, cases = filtered_cases(request)
    audit_export(request, "csv")
    background = export_in_background(request, cases, JobKind.EXPORT_CSV)
    if background:
        return background
    response = StreamingHttpResponse(
        streamed_from_replica(exports.csv_rows(cases, exports.columns_of(request.GET))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{export_name("csv")}"'
    return response


@require_GET
@reading_from_replica()
def export_xlsx(request):
    _filterset, cases = filtered_cases(request)
    audit_export(request, "xlsx")
    background = export_in_background(request, cases, JobKind.EXPORT_XLSX)
    if background:
        return background
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    exports.write_xlsx(cases, Path(handle.name), exports.columns_of(request.GET))
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=export_name("xlsx"))


def export_name(suffix):
    return f"riskdesk-cases-{timezone.localtime():%Y%m%d-%H%M}.{suffix}"
