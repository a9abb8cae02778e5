"""Follow-ups and the files attached to a case."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import actions
from cases.forms import AttachmentForm, FollowUpForm
from cases.models import Attachment, FollowUp
from cases.views.cases import scoped_case
from riskdesk import audit
from riskdesk.choices import AuditAction
from riskdesk.files import download_response
from riskdesk.forms import add_errors


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
        actions.add_attachments(user=request.user, case=case, uploads=form.cleaned_data["files"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Files attached."))
    return redirect(case)


@require_GET
def attachment_download(request, reference, pk):
    case = scoped_case(request, reference)
    attachment = get_object_or_404(Attachment.objects.for_user(request.user), case=case, pk=pk)
    return serve_attachment(request, case, attachment)


def serve_attachment(request, case, attachment):
    """The file's bytes as a download, audited; for the page and the API alike."""
    audit.record(request, AuditAction.DOWNLOAD,
                 object_label=f"{case.reference} {attachment.original_name}")
    return download_response(attachment.file, filename=attachment.original_name,
                             content_type=attachment.content_type)
