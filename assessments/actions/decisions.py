"""A decision's own steps: registered, its assessment started, decided, implemented or
withdrawn, cases it caused linked, supervisors' comments; and which of these steps (and of
its assessment's) a user may take now, for the decision's page.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import events
from assessments.actions.assessments import check_assignable
from assessments.actions.rights import (
    can_comment,
    can_manage,
    can_record,
    can_register,
    can_score,
    refuse_unless,
)
from assessments.choices import (
    AssessmentStatus,
    AssessorKind,
    DecisionEventKind,
    DecisionLevel,
    DecisionStatus,
    DecisionStep,
)
from assessments.models import Assessment, Decision
from cases.models import Case

DS = DecisionStatus
# The steps the sponsoring side takes on a decision, and the statuses each starts from.
DECISION_STEPS = {
    DecisionStep.START: (DS.REGISTERED,),
    DecisionStep.DECIDED: (DS.ASSESSED,),
    DecisionStep.OUTCOME: (DS.DECIDED,),
    DecisionStep.LINK_CASE: (DS.DECIDED, DS.IMPLEMENTED),
    DecisionStep.WITHDRAW: (DS.REGISTERED, DS.UNDER_ASSESSMENT, DS.ASSESSED),
}
# The steps of recording an in-progress assessment, for whoever records it (can_record).
RECORDING_STEPS = (DecisionStep.NOTICE, DecisionStep.RISK, DecisionStep.EXPERT,
                   DecisionStep.SURVEY, DecisionStep.REPORT, DecisionStep.CONCLUDE)


def allowed_decision_steps(user, decision) -> list[str]:
    """The steps ``user`` may take on ``decision`` now: its page offers exactly these."""
    manages = can_manage(user, decision)
    steps = [step for step, sources in DECISION_STEPS.items()
             if manages and decision.status in sources]
    if can_comment(user, decision):
        steps.append(DecisionStep.COMMENT)
    assessment = decision.assessment_or_none
    if assessment is not None:
        if can_record(user, assessment):
            steps.extend(RECORDING_STEPS)
        if manages and assessment.status == AssessmentStatus.IN_PROGRESS:
            steps.append(DecisionStep.ASSIGN)
        if can_score(user, assessment):
            steps.append(DecisionStep.SCORE)
    return steps


def refuse_unless_step(decision, step, message):
    """Refuse ``step`` unless the decision is in a status it starts from; ``message`` may
    name the status as ``%(status)s``."""
    if decision.status not in DECISION_STEPS[step]:
        raise ValidationError(message % {"status": decision.get_status_display()})


def _locked(decision) -> Decision:
    return Decision.objects.select_for_update(of=("self",)).select_related(
        "department").get(pk=decision.pk)


@transaction.atomic
def register_decision(*, user, decision: Decision) -> Decision:
    """Save a new decision (an unsaved instance) with its first history entry."""
    refuse_unless(can_register(user), _("Your role cannot register decisions."))
    if decision.level == DecisionLevel.CITY:
        decision.district = None
    if not can_manage(user, decision):
        raise ValidationError({"district": _(
            "You can register decisions of your own districts only; city decisions are "
            "registered by city supervisors and administrators.")})
    department = decision.department if decision.department_id else None
    if department is not None and department.district_id and (
            department.district_id != decision.district_id):
        raise ValidationError({"department": _(
            "%(department)s is a department of %(district)s: it sponsors that district's "
            "decisions only.") % {"department": department.name,
                                  "district": department.district.name}})
    decision.status = DecisionStatus.REGISTERED
    decision.created_by = user
    decision.full_clean(exclude=["created_by"])
    decision.save()
    events.decision_event(decision=decision, user=user, kind=DecisionEventKind.CREATED,
                          status=decision.status)
    return decision


@transaction.atomic
def start_assessment(*, user, decision, assessor_kind, agency=None) -> Assessment:
    decision = _locked(decision)
    refuse_unless(can_manage(user, decision), _("You cannot start this decision's assessment."))
    refuse_unless_step(decision, DecisionStep.START, _(
        "An assessment can be started only for a registered decision; this one is "
        "“%(status)s”."))
    if assessor_kind not in AssessorKind.values:
        raise ValidationError({"assessor_kind": _("Choose who assesses the decision.")})
    if assessor_kind == AssessorKind.AGENCY:
        if agency is None:
            raise ValidationError({"agency": _("Choose the agency that assesses it.")})
        check_assignable(agency, decision)
    else:
        agency = None
    assessment = Assessment.objects.create(
        decision=decision, assessor_kind=assessor_kind, agency=agency
    )
    decision.status = DecisionStatus.UNDER_ASSESSMENT
    decision.save(update_fields=["status"])
    events.decision_event(
        decision=decision, user=user, kind=DecisionEventKind.ASSESSMENT_STARTED,
        assessor_kind=assessor_kind, agency=agency.name if agency else "",
    )
    return assessment


@transaction.atomic
def mark_decided(*, user, decision, decided_on=None, note="") -> Decision:
    decision = _locked(decision)
    refuse_unless(can_manage(user, decision), _("You cannot record this decision."))
    if decision.status in (DecisionStatus.REGISTERED, DecisionStatus.UNDER_ASSESSMENT):
        raise ValidationError(_(
            "The decision cannot be marked decided before its assessment is concluded."))
    refuse_unless_step(decision, DecisionStep.DECIDED, _(
        "The decision is “%(status)s”: it cannot be marked decided."))
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The decision date cannot be in the future.")})
    decision.status = DecisionStatus.DECIDED
    decision.decided_on = decided_on
    decision.save(update_fields=["status", "decided_on"])
    events.decision_event(decision=decision, user=user, kind=DecisionEventKind.DECIDED,
                          note=note, decided_on=decided_on.isoformat())
    return decision


@transaction.atomic
def record_outcome(*, user, decision, implemented: bool, note="") -> Decision:
    decision = _locked(decision)
    refuse_unless(can_manage(user, decision), _("You cannot record this decision's outcome."))
    refuse_unless_step(decision, DecisionStep.OUTCOME, _(
        "Only a decided decision can be marked implemented or not; this one is "
        "“%(status)s”."))
    decision.implemented = bool(implemented)
    if implemented:
        decision.status = DecisionStatus.IMPLEMENTED
    decision.save(update_fields=["implemented", "status"])
    events.decision_event(decision=decision, user=user, kind=DecisionEventKind.OUTCOME,
                          note=note, implemented=bool(implemented))
    return decision


@transaction.atomic
def link_case(*, user, decision, reference) -> Case:
    """Record that a risk case was caused by this decision (after it was decided)."""
    decision = _locked(decision)
    refuse_unless(can_manage(user, decision), _("You cannot link cases to this decision."))
    refuse_unless_step(decision, DecisionStep.LINK_CASE, _(
        "Only a decided decision can have caused a risk case."))
    case = Case.objects.for_user(user).filter(reference=(reference or "").strip()).first()
    if case is None:
        raise ValidationError({"reference": _(
            "No case with this reference in your districts.")})
    if decision.caused_cases.filter(pk=case.pk).exists():
        raise ValidationError({"reference": _("This case is already linked.")})
    decision.caused_cases.add(case)
    events.decision_event(decision=decision, user=user, kind=DecisionEventKind.CASE_LINKED,
                          case=case.reference, title=case.title)
    return case


@transaction.atomic
def withdraw(*, user, decision, note) -> Decision:
    decision = _locked(decision)
    refuse_unless(can_manage(user, decision), _("You cannot withdraw this decision."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the decision is withdrawn.")})
    refuse_unless_step(decision, DecisionStep.WITHDRAW, _(
        "A decision that is “%(status)s” cannot be withdrawn."))
    decision.status = DecisionStatus.WITHDRAWN
    decision.save(update_fields=["status"])
    events.decision_event(decision=decision, user=user, kind=DecisionEventKind.WITHDRAWN,
                          note=note.strip())
    return decision


@transaction.atomic
def comment(*, user, decision, note):
    refuse_unless(can_comment(user, decision), _(
        "Supervisors covering a key-sensitive decision comment on it."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Write the comment.")})
    return events.decision_event(decision=decision, user=user, kind=DecisionEventKind.COMMENT,
                                 note=note.strip())
