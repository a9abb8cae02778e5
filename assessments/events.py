"""One keyword-only creator per kind of decision or agency event (like ``cases/events.py``).

Events are only ever added; ``data`` holds plain JSON with raw values.
"""

from assessments.choices import AgencyEventKind, DecisionEventKind
from assessments.models import AgencyEvent, DecisionEvent
from riskdesk.choices import Announcement
from riskdesk.signals import announce


def decision_event(*, decision, user, kind: DecisionEventKind, note="", **data):
    if kind == DecisionEventKind.CONCLUDED:
        announce(Announcement.ASSESSMENT_CONCLUDED, decision=decision)
    return DecisionEvent.objects.create(
        decision=decision, user=user, kind=kind, note=note or "", data=data
    )


def agency_submitted(*, agency):
    return AgencyEvent.objects.create(
        agency=agency, user=None, kind=AgencyEventKind.SUBMITTED,
        data={"reference": agency.reference, "to": agency.status},
    )


def agency_step(*, agency, user, step, old_status, new_status, note, **data):
    return AgencyEvent.objects.create(
        agency=agency, user=user, kind=AgencyEventKind.STEP, note=note,
        data={"step": step, "from": old_status, "to": new_status, **data},
    )


def agency_violation(*, agency, user, violation, old_status, new_status):
    announce(Announcement.AGENCY_RED_LINE, agency=agency, violation=violation,
             data={"from": old_status, "to": new_status})
    return AgencyEvent.objects.create(
        agency=agency, user=user, kind=AgencyEventKind.VIOLATION, note=violation.description,
        data={"violation": violation.pk, "red_line": violation.red_line.code,
              "consequence": violation.consequence, "from": old_status, "to": new_status,
              "suspended_until": violation.suspended_until.isoformat()
              if violation.suspended_until else None},
    )


def agency_expired(*, agency, valid_until):
    return AgencyEvent.objects.create(
        agency=agency, user=None, kind=AgencyEventKind.EXPIRED,
        data={"valid_until": valid_until.isoformat(), "from": "approved", "to": "expired"},
    )


def agency_reminded(*, agency, days, valid_until):
    return AgencyEvent.objects.create(
        agency=agency, user=None, kind=AgencyEventKind.REMINDER,
        data={"days": days, "valid_until": valid_until.isoformat()},
    )


def agency_scored(*, agency, user, assessment):
    return AgencyEvent.objects.create(
        agency=agency, user=user, kind=AgencyEventKind.SCORED,
        note=assessment.quality_comment,
        data={"assessment": assessment.pk, "decision": assessment.decision_id,
              "score": assessment.quality_score},
    )
