"""Follow-ups on a case and the files attached to it (to the case, a follow-up or a
supervision order's answer)."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import events
from cases.actions.cases import can_work_on, check_open
from cases.choices import CategoryKind
from cases.models import Attachment, Case, FollowUp
from riskdesk.files import check_upload


@transaction.atomic
def log_follow_up(*, user, case: Case, follow_up: FollowUp, uploads=()) -> FollowUp:
    """Record a follow-up, add its figures to the case and move the next due date."""
    for upload in uploads:
        check_upload(upload)  # every file is checked before anything is written
    case = Case.objects.select_for_update().select_related("category").get(pk=case.pk)
    if not can_work_on(user, case):
        raise ValidationError(_("You cannot log follow-ups on this case."))
    if not case.is_open:
        raise ValidationError(_("A closed case takes no follow-ups; a supervisor can reopen it."))
    if follow_up.date > timezone.localdate():
        raise ValidationError({"date": _("A follow-up cannot be dated in the future.")})
    case.people_helped += follow_up.people_helped_added
    case.amount_recovered += follow_up.amount_recovered_added
    errors = {}
    if case.people_helped > case.people_affected:
        errors["people_helped_added"] = _(
            "That would make %(helped)s helped out of %(affected)s affected: "
            "update the number affected on the case first."
        ) % {"helped": case.people_helped, "affected": case.people_affected}
    if case.amount_recovered > case.amount_involved:
        errors["amount_recovered_added"] = _(
            "That would make %(recovered)s recovered out of %(involved)s involved: "
            "update the amount involved on the case first."
        ) % {"recovered": case.amount_recovered, "involved": case.amount_involved}
    real_estate = None
    if follow_up.households_delivered_added:
        if case.category.kind != CategoryKind.REAL_ESTATE:
            errors["households_delivered_added"] = _(
                "Households delivered apply only to real-estate cases."
            )
        else:
            real_estate = case.real_estate if hasattr(case, "real_estate") else None
            if real_estate is None:
                errors["households_delivered_added"] = _(
                    "Fill in the project's details on the case first."
                )
            else:
                real_estate.households_delivered += follow_up.households_delivered_added
                if real_estate.households_delivered > real_estate.households_affected:
                    errors["households_delivered_added"] = _(
                        "More households delivered than affected: check the figures."
                    )
    if errors:
        raise ValidationError(errors)
    follow_up.case = case
    follow_up.created_by = user
    follow_up.save()
    if real_estate is not None:
        real_estate.save(update_fields=["households_delivered"])
    # The next follow-up is due one interval after the latest follow-up done: logging an
    # older one afterwards does not pull the date back.
    latest = FollowUp.objects.filter(case=case).order_by("-date").values_list(
        "date", flat=True
    ).first()
    next_due = case.next_due_after(max(latest or follow_up.date, follow_up.date))
    case.next_follow_up_due = next_due
    case.updated_by = user
    case.updated_at = timezone.now()
    case.save(update_fields=[
        "people_helped", "amount_recovered", "next_follow_up_due", "updated_by", "updated_at",
    ])
    events.follow_up_logged(case=case, user=user, follow_up=follow_up, next_due=next_due)
    for upload in uploads:
        add_attachment(user=user, case=case, upload=upload, follow_up=follow_up)
    return follow_up


@transaction.atomic
def add_attachments(*, user, case: Case, uploads) -> list[Attachment]:
    """Store several files on the case: all of them, or none if one is refused."""
    for upload in uploads:
        check_upload(upload)  # every file is checked before any is written
    return [add_attachment(user=user, case=case, upload=upload) for upload in uploads]


@transaction.atomic
def add_attachment(*, user, case: Case, upload, follow_up=None, order=None) -> Attachment:
    """Store an uploaded file (checked by name, content and size) on the case; ``order``
    links it to the supervision order it answers."""
    if not can_work_on(user, case):
        raise ValidationError(_("You cannot add files to this case."))
    if order is not None and order.case_id != case.pk:
        raise ValidationError(_("This supervision order belongs to another case."))
    # Judged on the locked row as it is now, before the file is written anywhere.
    check_open(Case.objects.select_for_update().only("status").get(pk=case.pk))
    checked = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        case=case, follow_up=follow_up, order=order, original_name=checked.name[:255],
        content_type=checked.content_type, kind=checked.kind, size=upload.size,
        sha256=digest.hexdigest(), uploaded_by=user,
    )
    attachment.file.save(checked.name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # no orphan file if the row is not written
        raise
    events.attachment_added(case=case, user=user, attachment=attachment)
    return attachment


