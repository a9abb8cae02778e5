"""Training sessions and their attendees (district staff and agencies' assessors)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.actions.rights import is_admin, refuse_unless
from assessments.models import Agency, Attendance, Training
from riskdesk.models import District


@transaction.atomic
def record_training(*, user, training: Training, attendees) -> Training:
    """Save a training session with its attendees: ``[(name, code)]`` where the code is a
    district's code or an agency's credit code. Unknown codes are refused by name."""
    refuse_unless(is_admin(user), _("Only an administrator records training sessions."))
    rows, unknown = [], []
    for name, code in attendees:
        district = District.objects.filter(code=code.lower()).first()
        agency = None if district else Agency.objects.filter(credit_code=code.upper()).first()
        if district is None and agency is None:
            unknown.append(code)
        rows.append(Attendance(name=name[:100], district=district, agency=agency))
    if unknown:
        raise ValidationError({"attendees": _(
            "Neither a district code nor an agency's credit code: %(codes)s.")
            % {"codes": ", ".join(unknown)}})
    names = [row.name for row in rows]
    if len(set(names)) != len(names):
        raise ValidationError({"attendees": _("Each attendee once, please.")})
    training.full_clean()
    training.save()
    for row in rows:
        row.training = training
    Attendance.objects.bulk_create(rows)
    return training
