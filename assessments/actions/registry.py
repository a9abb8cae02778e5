"""The agency registry after the application: the registration lifecycle (review,
approval, suspension, revocation, renewal), red-line violations, flagging the assessments
of an agency that may no longer work and telling the supervisors, linking assessors.
"""

import calendar
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import events
from assessments.actions.rights import is_admin, refuse_unless
from assessments.choices import AgencyStatus, AgencyStep, Consequence, DecisionEventKind
from assessments.models import Agency, AgencyMember, Assessment, Violation
from riskdesk.access import scope_of
from riskdesk.choices import NoticeKind, Role
from riskdesk.notify import notify_many


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


AS = AgencyStatus
AGENCY_STEPS = {
    AgencyStep.REVIEW: ((AS.SUBMITTED,), AS.UNDER_REVIEW),
    AgencyStep.APPROVE: ((AS.UNDER_REVIEW,), AS.APPROVED),
    AgencyStep.REJECT: ((AS.SUBMITTED, AS.UNDER_REVIEW), AS.REJECTED),
    AgencyStep.SUSPEND: ((AS.APPROVED,), AS.SUSPENDED),
    AgencyStep.REINSTATE: ((AS.SUSPENDED,), AS.APPROVED),
    AgencyStep.REVOKE: ((AS.APPROVED, AS.SUSPENDED, AS.EXPIRED), AS.REVOKED),
    AgencyStep.RENEW: ((AS.APPROVED, AS.EXPIRED), AS.APPROVED),
}


def allowed_agency_steps(user, agency) -> list[str]:
    if not is_admin(user):
        return []
    return [step for step, (sources, _target) in AGENCY_STEPS.items()
            if agency.status in sources]


@transaction.atomic
def agency_step(*, user, agency, step, note, valid_until=None, suspended_until=None) -> Agency:
    """Move an agency along its registration lifecycle (administrators only)."""
    refuse_unless(is_admin(user), _("Only an administrator manages the registry."))
    if step not in AGENCY_STEPS:
        raise ValidationError(_("Unknown step."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _(
            "Every step needs a note; a rejection needs its reason.")})
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    sources, target = AGENCY_STEPS[step]
    if agency.status not in sources:
        raise ValidationError(_("The agency is “%(status)s”: “%(step)s” "
                                "is not possible.") % {"status": agency.get_status_display(),
                                                       "step": AgencyStep(step).label})
    today = timezone.localdate()
    if step in (AgencyStep.APPROVE, AgencyStep.RENEW) or (
            step == AgencyStep.REINSTATE and valid_until):
        if valid_until is None or valid_until <= today:
            raise ValidationError({"valid_until": _(
                "An approval needs a valid-until date after today.")})
        agency.valid_until = valid_until
    if step == AgencyStep.REINSTATE and (agency.valid_until is None or agency.valid_until < today):
        raise ValidationError({"valid_until": _(
            "The registration expired on %(date)s: give a new valid-until date.")
            % {"date": agency.valid_until}})
    if step == AgencyStep.SUSPEND:
        if suspended_until is not None and suspended_until <= today:
            raise ValidationError({"suspended_until": _(
                "A suspension ends after today.")})
        agency.suspended_until = suspended_until
    if target == AS.APPROVED:
        agency.suspended_until = None
    old = agency.status
    agency.status = target
    agency.status_changed_at = timezone.now()
    agency.save(update_fields=["status", "valid_until", "suspended_until", "status_changed_at"])
    events.agency_step(agency=agency, user=user, step=step, old_status=old, new_status=target,
                       note=note, valid_until=agency.valid_until.isoformat()
                       if agency.valid_until else None)
    if target in (AS.SUSPENDED, AS.REVOKED):
        flag_assessments(agency, reason=_("%(agency)s was %(status)s")
                         % {"agency": agency.name, "status": agency.get_status_display()})
    return agency


def flag_assessments(agency, *, reason: str) -> int:
    """Flag the agency's in-progress assessments to the supervisors; returns how many."""
    flagged = 0
    for assessment in Assessment.objects.in_progress().filter(agency=agency, flagged=False):
        updated = Assessment.objects.filter(pk=assessment.pk, flagged=False).update(
            flagged=True, flag_reason=reason[:300])
        if updated:
            event = events.decision_event(decision=assessment.decision, user=None,
                                          kind=DecisionEventKind.FLAGGED, note=reason,
                                          agency=agency.name)
            _notify_supervisors(assessment.decision, reason, event)
            flagged += 1
    return flagged


def supervisors_of(decision):
    """The supervisors who follow a decision: the city's, and its district's."""
    users = get_user_model().objects.filter(is_active=True, membership__role=Role.SUPERVISOR)
    if decision.district_id is None:
        return users.filter(membership__city_wide=True)
    return users.filter(Q(membership__city_wide=True)
                        | Q(membership__districts=decision.district_id)).distinct()


def _notify_supervisors(decision, reason, event):
    """A notice in the inbox of each supervisor who follows the decision, e-mailed as each
    chose (``riskdesk.notify``): once per flag, whatever runs twice."""
    notify_many([
        (user, NoticeKind.ASSESSMENT_FLAGGED, f"decision-event:{event.pk}",
         {"title": decision.title, "reason": reason}, decision.get_absolute_url())
        for user in supervisors_of(decision)
    ])


@transaction.atomic
def record_violation(*, user, agency, red_line, occurred_on, description) -> Violation:
    """Record a red-line violation and apply its consequence at once."""
    refuse_unless(is_admin(user), _("Only an administrator records violations."))
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe what happened.")})
    if occurred_on is None or occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("The date cannot be in the future.")})
    if not red_line.is_active:
        raise ValidationError({"red_line": _("This red line is no longer in force.")})
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency.status in (AS.SUBMITTED, AS.UNDER_REVIEW, AS.REJECTED):
        raise ValidationError(_("Violations are recorded against registered agencies only."))
    old = agency.status
    today = timezone.localdate()
    suspended_until = None
    if red_line.consequence == Consequence.SUSPENSION and agency.status != AS.REVOKED:
        suspended_until = add_months(today, red_line.suspension_months or 1)
        if agency.status in (AS.APPROVED, AS.SUSPENDED):
            agency.status = AS.SUSPENDED
            agency.suspended_until = max(suspended_until, agency.suspended_until or today)
    elif red_line.consequence == Consequence.REVOCATION:
        agency.status = AS.REVOKED
    violation = Violation.objects.create(
        agency=agency, red_line=red_line, occurred_on=occurred_on,
        description=description.strip(), consequence=red_line.consequence,
        suspended_until=suspended_until, recorded_by=user,
    )
    if agency.status != old:
        agency.status_changed_at = timezone.now()
    agency.save(update_fields=["status", "suspended_until", "status_changed_at"])
    events.agency_violation(agency=agency, user=user, violation=violation, old_status=old,
                            new_status=agency.status)
    if agency.status in (AS.SUSPENDED, AS.REVOKED):
        flag_assessments(agency, reason=_("%(agency)s: red line “%(line)s”, %(status)s")
                         % {"agency": agency.name, "line": red_line.name,
                            "status": agency.get_status_display()})
    return violation


@transaction.atomic
def link_member_by_code(member_user, code) -> AgencyMember:
    """Link an assessor account to the approved agency with this credit code (adduser)."""
    if scope_of(member_user).role != Role.ASSESSOR:
        raise ValidationError(_("Only a user with the role “assessor” can work for an "
                                "agency."))
    code = "".join(str(code or "").split()).upper()
    agency = Agency.objects.filter(credit_code=code).first()
    if agency is None:
        raise ValidationError(_("No agency with the credit code %(code)s in the registry.")
                              % {"code": code})
    if agency.status != AgencyStatus.APPROVED:
        raise ValidationError(_("%(agency)s is “%(status)s”: only an approved "
                                "agency's staff sign in.")
                              % {"agency": agency.name, "status": agency.get_status_display()})
    member, _created = AgencyMember.objects.update_or_create(
        user=member_user, defaults={"agency": agency})
    return member


def admins():
    return get_user_model().objects.filter(is_active=True, membership__role=Role.ADMIN)
