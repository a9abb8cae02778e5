"""Importing cases from a CSV or Excel file, and the files' templates; a big file is
imported by a background job."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from cases import actions, imports, jobs
from cases.forms import ImportForm

# Rows imported with a warning (a number Excel spoilt) shown after the import, at most.
WARNINGS_SHOWN = 50


@require_http_methods(["GET", "POST"])
def case_import(request):
    if not actions.can_register(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        sheet = form.cleaned_data["sheet"] or None
        update = form.cleaned_data["update"]
        try:
            if upload.size > jobs.IMPORT_INLINE_BYTES:
                imports.check_file(upload, sheet=sheet)  # a file that cannot be read: now
                job = jobs.start_import(user=request.user, upload=upload, sheet=sheet,
                                        update=update)
                messages.info(request, _("The file is big: it is being checked and imported "
                                         "in the background. Your inbox tells you when it is "
                                         "done."))
                return redirect(job)
            result = imports.import_cases(user=request.user, upload=upload, sheet=sheet,
                                          update=update)
        except ValidationError as error:
            if isinstance(error, imports.ChooseSheet):
                form.offer_sheets(error.sheets)
            form.add_error("file", error)
        else:
            if not result.errors:
                messages.success(request, imported_message(result))
                for warning in result.warnings[:WARNINGS_SHOWN]:
                    messages.warning(request, _("Row %(row)d, %(column)s: %(message)s") % {
                        "row": warning.row, "column": warning.label,
                        "message": warning.message})
                if result.duplicates_unchecked:
                    messages.info(request, unchecked_message(imports.DUPLICATE_CHECK_ROWS))
                if not result.duplicates:
                    return redirect("cases:list")
                # imported: the likely duplicates are listed on the page, a fresh form below
                form = ImportForm()
    return render(request, "cases/import.html", {
        "form": form, "result": result,
        "columns": [*imports.IMPORT_COLUMNS, imports.REFERENCE_COLUMN],
    })


def imported_message(result) -> str:
    text = ngettext(
        "%(count)s case imported.", "%(count)s cases imported.", result.created
    ) % {"count": result.created}
    if result.updated:
        text += " " + ngettext(
            "%(count)s existing case was updated.", "%(count)s existing cases were updated.",
            result.updated,
        ) % {"count": result.updated}
    if result.unchanged:
        text += " " + ngettext(
            "%(count)s row matched its case already.", "%(count)s rows matched their cases "
            "already.", result.unchanged,
        ) % {"count": result.unchanged}
    if result.skipped:
        text += " " + ngettext(
            "%(count)s row had been imported before and was skipped.",
            "%(count)s rows had been imported before and were skipped.",
            result.skipped,
        ) % {"count": result.skipped}
    return text


def unchecked_message(limit) -> str:
    return _("So many cases were imported that they were not checked for duplicates "
             "(at most %(limit)s are checked).") % {"limit": limit}


@require_GET
def import_template(request, suffix):
    if suffix == "csv":
        response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            imports.template_xlsx(request.user),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="riskdesk-import-template.{suffix}"'
    return response
