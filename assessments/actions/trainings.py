"""Training sessions and their attendees (district staff and agencies' assessors)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.actions.rights import is_admin, refuse_unless
from assessments.models import Agency, AgencyMember, Attendance, Training
from riskdesk.models import District


@transaction.atomic
def record_training(*, user, training: Training, attendees, accounts=()) -> Training:
    """Save a training session with its attendees: ``accounts`` (users who attended, with
    their agency or district) and ``[(name, code)]`` for people without an account, where
    the code is a district's code or an agency's credit code. Unknown codes are refused
    by name."""
    refuse_unless(is_admin(user), _("Only an administrator records training sessions."))
    rows = [_account_row(account) for account in accounts]
    unknown = []
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


def _account_row(account) -> Attendance:
    """An attendee with an account: named as the account is, with its agency (assessors)
    or its first district (staff and supervisors; none for the city-wide)."""
    name = (account.get_full_name() or account.get_username())[:100]
    member = AgencyMember.objects.filter(user=account).select_related("agency").first()
    if member is not None:
        return Attendance(name=name, user=account, agency=member.agency)
    membership = getattr(account, "membership", None)
    district = membership.districts.order_by("pk").first() if membership else None
    return Attendance(name=name, user=account, district=district)
