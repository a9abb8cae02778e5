"""The public application to the registry of third-party assessors: its limits (files,
size, applications per address an hour), the application itself and the applicant's
receipt.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments import events
from assessments.choices import AgencyStatus, DecisionType
from assessments.creditcode import validate_credit_code
from assessments.models import Agency, AgencyDocument, AgencyScope
from riskdesk import audit
from riskdesk.choices import AuditAction, NoticeKind
from riskdesk.files import check_upload
from riskdesk.models import AuditEntry
from riskdesk.notify import notify_address

MB = 1024 * 1024


def too_large_message() -> str:
    return _("An application may carry at most %(mb)s MB in all; this one is larger. "
             "Send fewer or smaller documents.") % {"mb": settings.AGENCY_APPLICATION_MAX_MB}


def too_many_files_message() -> str:
    limit = settings.AGENCY_APPLICATION_MAX_FILES
    return ngettext("An application may carry at most %(count)s file.",
                    "An application may carry at most %(count)s files.", limit) % {
        "count": limit}


def check_documents(uploads) -> None:
    """At most AGENCY_APPLICATION_MAX_FILES documents and AGENCY_APPLICATION_MAX_MB in all."""
    if len(uploads) > settings.AGENCY_APPLICATION_MAX_FILES:
        raise ValidationError({"documents": too_many_files_message()})
    if sum(upload.size for upload in uploads) > settings.AGENCY_APPLICATION_MAX_MB * MB:
        raise ValidationError({"documents": too_large_message()})
    for upload in uploads:
        check_upload(upload)


def _serialise_by_address(address) -> None:
    """Two applications from one address at the same moment are counted one after the
    other (a transaction-scoped lock, released at commit), so both cannot slip under the
    limit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                           [f"agency-application:{address}"])


@transaction.atomic
def admit_application(request) -> None:
    """Count this application against its address's limit, AGENCY_APPLICATIONS_PER_HOUR,
    or refuse it. Each attempt is an audit entry with the visitor's address (honouring
    CLIENT_ADDRESS_HEADER), so the count holds on every process and after a restart."""
    address = audit.client_address(request)
    _serialise_by_address(address)
    recent = AuditEntry.objects.filter(
        action=AuditAction.AGENCY_APPLICATION, address=address,
        at__gte=timezone.now() - timedelta(hours=1))
    if recent.count() >= settings.AGENCY_APPLICATIONS_PER_HOUR:
        raise ValidationError(_(
            "Too many applications were sent from your address in the last hour. "
            "Please try again later."))
    audit.record(request, AuditAction.AGENCY_APPLICATION)


@dataclass
class Application:
    agency: Agency
    scope: list
    departments: list
    experts: list  # [(name, field, title)]
    uploads: list


@transaction.atomic
def apply(application: Application) -> Agency:
    """Register an application from the public form; the applicant is e-mailed its
    reference number once the transaction commits."""
    agency = application.agency
    check_documents(application.uploads)
    agency.credit_code = validate_credit_code(agency.credit_code)
    if Agency.objects.filter(credit_code=agency.credit_code).exists():
        raise ValidationError({"credit_code": _(
            "An application with this unified social credit code was already submitted; "
            "contact the registry office to change it.")})
    if not application.scope:
        raise ValidationError({"scope": _("Declare at least one type of decision you assess.")})
    if not application.experts:
        raise ValidationError({"experts": _("List at least one expert.")})
    agency.status = AgencyStatus.SUBMITTED
    agency.full_clean(exclude=["reference"], validate_unique=False)
    try:
        with transaction.atomic():
            agency.save()
    except IntegrityError as error:  # the same code submitted at the same moment
        raise ValidationError({"credit_code": _(
            "An application with this unified social credit code was already submitted; "
            "contact the registry office to change it.")}) from error
    agency.reference = f"AG-{timezone.localdate().year}-{agency.pk:05d}"
    agency.save(update_fields=["reference"])
    AgencyScope.objects.bulk_create(
        [AgencyScope(agency=agency, decision_type=t) for t in dict.fromkeys(application.scope)
         if t in DecisionType.values])
    agency.related_departments.set(application.departments)
    for name, field, title in application.experts:
        agency.experts.create(name=name[:100], field=field[:100], title=title[:100])
    for upload in application.uploads:
        add_document(agency=agency, upload=upload)
    events.agency_submitted(agency=agency)
    send_application_receipt(agency)
    return agency


def add_document(*, agency, upload) -> AgencyDocument:
    checked = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = AgencyDocument(agency=agency, original_name=checked.name[:255],
                              content_type=checked.content_type, size=upload.size,
                              sha256=digest.hexdigest())
    document.file.save(checked.name, upload, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def send_application_receipt(agency) -> None:
    """E-mail the applicant its reference number (after the transaction commits, retried,
    and listed as failed if it keeps failing: ``riskdesk.notify``)."""
    notify_address(agency.contact_email, kind=NoticeKind.APPLICATION_RECEIVED,
                   key=f"agency:{agency.pk}:receipt",
                   params={"ref": agency.reference, "title": agency.name})
