"""The use cases of decisions, assessments and the agency registry.

Each checks the user's right and the rule, changes the rows and writes the history in one
transaction; a refusal raises ``ValidationError`` saying why and changes nothing.
"""

import calendar
import hashlib
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments import events
from assessments.choices import (
    AgencyStatus,
    AgencyStep,
    AssessmentStatus,
    AssessorKind,
    Consequence,
    DecisionEventKind,
    DecisionLevel,
    DecisionStatus,
    DecisionType,
    Grade,
    Recommendation,
)
from assessments.creditcode import validate_credit_code
from assessments.models import (
    Agency,
    AgencyDocument,
    AgencyMember,
    AgencyScope,
    Assessment,
    Attendance,
    Decision,
    ExpertReview,
    PublicNotice,
    RiskItem,
    Survey,
    Training,
    Violation,
)
from cases.files import check_upload
from cases.models import Case
from riskdesk import audit
from riskdesk.access import scope_of
from riskdesk.choices import AuditAction, Role
from riskdesk.models import AuditEntry, District

log = logging.getLogger(__name__)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------- who may do what
def agency_of(user):
    """The agency an assessor works for, or None."""
    if scope_of(user).role != Role.ASSESSOR:
        return None
    member = AgencyMember.objects.filter(user=user).select_related("agency").first()
    return member.agency if member else None


def can_register(user) -> bool:
    scope = scope_of(user)
    return scope.role in (Role.STAFF, Role.SUPERVISOR, Role.ADMIN) and (
        scope.everything or bool(scope.district_ids)
    )


def can_manage(user, decision) -> bool:
    """The sponsoring side: staff and supervisors of the decision's district (for a city
    decision, city supervisors) and administrators."""
    scope = scope_of(user)
    if scope.role not in (Role.STAFF, Role.SUPERVISOR, Role.ADMIN):
        return False
    if decision.level == DecisionLevel.CITY:
        return scope.everything
    return scope.covers(decision.district_id)


def can_record(user, assessment) -> bool:
    """Who records the mechanisms: the assigned agency's staff, or for a self-assessment
    the sponsoring side."""
    if assessment.status != AssessmentStatus.IN_PROGRESS:
        return False
    if assessment.assessor_kind == AssessorKind.AGENCY:
        agency = agency_of(user)
        return agency is not None and agency.pk == assessment.agency_id
    return can_manage(user, assessment.decision)


def _is_supervisor_in_scope(user, decision) -> bool:
    scope = scope_of(user)
    if not scope.is_supervisor:
        return False
    return Decision.objects.for_user(user).filter(pk=decision.pk).exists()


def can_score(user, assessment) -> bool:
    return assessment.is_concluded and _is_supervisor_in_scope(user, assessment.decision)


def can_comment(user, decision) -> bool:
    return decision.key_sensitive and _is_supervisor_in_scope(user, decision)


def is_admin(user) -> bool:
    return scope_of(user).is_admin


def _refuse_unless(allowed: bool, message: str):
    if not allowed:
        raise ValidationError(message)


# ---------------------------------------------------------------- agency assignment
def check_assignable(agency, decision, *, on: date | None = None):
    """Refuse, saying why, an agency that may not assess this decision."""
    on = on or timezone.localdate()
    if agency.status != AgencyStatus.APPROVED:
        raise ValidationError({"agency": _(
            "%(agency)s cannot be assigned: its registration is “%(status)s”, "
            "not approved.") % {"agency": agency.name, "status": agency.get_status_display()}})
    if agency.valid_until is None or agency.valid_until < on:
        raise ValidationError({"agency": _(
            "%(agency)s cannot be assigned: its registration expired on %(date)s.")
            % {"agency": agency.name, "date": agency.valid_until}})
    if not agency.scopes.filter(decision_type=decision.decision_type).exists():
        raise ValidationError({"agency": _(
            "%(agency)s cannot be assigned: its declared scope does not cover "
            "“%(type)s” decisions.")
            % {"agency": agency.name, "type": decision.get_decision_type_display()}})
    if agency.related_departments.filter(pk=decision.department_id).exists():
        raise ValidationError({"agency": _(
            "%(agency)s cannot be assigned: it declared a relationship with the sponsoring "
            "department, %(department)s.")
            % {"agency": agency.name, "department": decision.department.name}})


# ---------------------------------------------------------------- decisions
def _locked(decision) -> Decision:
    return Decision.objects.select_for_update(of=("self",)).select_related(
        "department").get(pk=decision.pk)


@transaction.atomic
def register_decision(*, user, decision: Decision) -> Decision:
    """Save a new decision (an unsaved instance) with its first history entry."""
    _refuse_unless(can_register(user), _("Your role cannot register decisions."))
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
    _refuse_unless(can_manage(user, decision), _("You cannot start this decision's assessment."))
    if decision.status != DecisionStatus.REGISTERED:
        raise ValidationError(_("An assessment can be started only for a registered decision; "
                                "this one is “%(status)s”.")
                              % {"status": decision.get_status_display()})
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


def _locked_assessment(assessment) -> Assessment:
    return Assessment.objects.select_for_update(of=("self",)).select_related(
        "decision", "agency").get(pk=assessment.pk)


@transaction.atomic
def assign_agency(*, user, assessment, agency) -> Assessment:
    """Give an in-progress assessment to another (assignable) agency."""
    assessment = _locked_assessment(assessment)
    decision = assessment.decision
    _refuse_unless(can_manage(user, decision), _("You cannot change who assesses this decision."))
    if assessment.status != AssessmentStatus.IN_PROGRESS:
        raise ValidationError(_("A concluded assessment cannot be reassigned."))
    check_assignable(agency, decision)
    old = assessment.agency.name if assessment.agency else ""
    assessment.assessor_kind = AssessorKind.AGENCY
    assessment.agency = agency
    assessment.flagged = False
    assessment.flag_reason = ""
    assessment.save(update_fields=["assessor_kind", "agency", "flagged", "flag_reason"])
    events.decision_event(decision=decision, user=user,
                          kind=DecisionEventKind.ASSESSMENT_STARTED,
                          assessor_kind=AssessorKind.AGENCY, agency=agency.name, previous=old)
    return assessment


def _check_recording(user, assessment):
    if assessment.status != AssessmentStatus.IN_PROGRESS:
        raise ValidationError(_("The assessment is concluded: nothing more can be recorded."))
    _refuse_unless(can_record(user, assessment),
                   _("Only the assigned agency's staff (or, for a self-assessment, the "
                     "sponsoring department) record this assessment."))
    agency = assessment.agency
    if agency is not None and not agency.is_assignable_on(timezone.localdate()):
        raise ValidationError(_("%(agency)s is “%(status)s”: it cannot work on "
                                "assessments.") % {"agency": agency.name,
                                                   "status": agency.get_status_display()})


@transaction.atomic
def record_notice(*, user, assessment, notice: PublicNotice) -> PublicNotice:
    assessment = _locked_assessment(assessment)
    _check_recording(user, assessment)
    existing = PublicNotice.objects.filter(assessment=assessment).first()
    notice.assessment = assessment
    notice.pk = existing.pk if existing else None
    notice._state.adding = existing is None
    notice.full_clean()
    notice.save()
    events.decision_event(
        decision=assessment.decision, user=user, kind=DecisionEventKind.NOTICE,
        channel=notice.channel, starts_on=notice.starts_on.isoformat(),
        ends_on=notice.ends_on.isoformat(), comments=notice.comments_received,
    )
    return notice


@transaction.atomic
def record_risk(*, user, assessment, risk: RiskItem) -> RiskItem:
    assessment = _locked_assessment(assessment)
    _check_recording(user, assessment)
    risk.assessment = assessment
    risk.full_clean()
    risk.save()
    events.decision_event(
        decision=assessment.decision, user=user, kind=DecisionEventKind.RISK,
        risk=risk.description, likelihood=risk.likelihood, impact=risk.impact, score=risk.score,
    )
    return risk


@transaction.atomic
def record_expert_review(*, user, assessment, review: ExpertReview) -> ExpertReview:
    assessment = _locked_assessment(assessment)
    _check_recording(user, assessment)
    if review.held_on and review.held_on > timezone.localdate():
        raise ValidationError({"held_on": _("An expert review cannot be dated in the future.")})
    existing = ExpertReview.objects.filter(assessment=assessment).first()
    review.assessment = assessment
    review.pk = existing.pk if existing else None
    review._state.adding = existing is None
    review.full_clean()
    review.save()
    events.decision_event(decision=assessment.decision, user=user,
                          kind=DecisionEventKind.EXPERT_REVIEW, held_on=review.held_on.isoformat())
    return review


@transaction.atomic
def record_survey(*, user, assessment, survey: Survey) -> Survey:
    assessment = _locked_assessment(assessment)
    _check_recording(user, assessment)
    existing = Survey.objects.filter(assessment=assessment).first()
    survey.assessment = assessment
    survey.pk = existing.pk if existing else None
    survey._state.adding = existing is None
    survey.full_clean()
    survey.save()
    events.decision_event(decision=assessment.decision, user=user, kind=DecisionEventKind.SURVEY,
                          respondents=survey.respondents, support=survey.support_percent)
    return survey


def _store_report(assessment, upload):
    checked = check_upload(upload)
    upload.seek(0)
    assessment.report.save(checked.name, upload, save=False)
    assessment.report_name = checked.name[:255]
    assessment.report_content_type = checked.content_type
    assessment.report_size = upload.size
    return checked


@transaction.atomic
def upload_report(*, user, assessment, upload) -> Assessment:
    check_upload(upload)  # before anything is written
    assessment = _locked_assessment(assessment)
    _check_recording(user, assessment)
    _store_report(assessment, upload)
    assessment.save(update_fields=["report", "report_name", "report_content_type",
                                   "report_size"])
    events.decision_event(decision=assessment.decision, user=user, kind=DecisionEventKind.REPORT,
                          name=assessment.report_name, size=assessment.report_size)
    return assessment


@transaction.atomic
def conclude(*, user, assessment, grade, recommendation, mitigation="", upload=None):
    """Conclude the assessment: only when public notice, risk analysis and expert review
    are recorded, never "proceed" with a high grade; the decision becomes "assessed"."""
    if upload is not None:
        check_upload(upload)
    assessment = _locked_assessment(assessment)
    _check_recording(user, assessment)
    missing = assessment.missing_mechanisms()
    if missing:
        raise ValidationError(_(
            "The assessment cannot be concluded before all three mechanisms are recorded; "
            "missing: %(missing)s.") % {"missing": ", ".join(missing)})
    if grade not in Grade.values:
        raise ValidationError({"grade": _("Choose the risk grade.")})
    if recommendation not in Recommendation.values:
        raise ValidationError({"recommendation": _("Choose a recommendation.")})
    if grade == Grade.HIGH and recommendation == Recommendation.PROCEED:
        raise ValidationError({"recommendation": _(
            "A high risk grade cannot carry “proceed”: choose proceed with "
            "mitigation, postpone or do not proceed.")})
    if grade != Grade.LOW and recommendation == Recommendation.PROCEED_WITH_MITIGATION and not (
        mitigation or "").strip():
        raise ValidationError({"mitigation": _(
            "Proceeding with mitigation needs the mitigation measures.")})
    if assessment.flagged:
        raise ValidationError(_(
            "The assessment is flagged (%(reason)s): assign an approved agency first.")
            % {"reason": assessment.flag_reason})
    if assessment.agency is not None and not assessment.agency.is_assignable_on(
            timezone.localdate()):
        raise ValidationError(_("%(agency)s is no longer approved: it cannot conclude.")
                              % {"agency": assessment.agency.name})
    fields = ["status", "grade", "recommendation", "mitigation", "concluded_at", "concluded_by"]
    if upload is not None:
        _store_report(assessment, upload)
        fields += ["report", "report_name", "report_content_type", "report_size"]
    assessment.status = AssessmentStatus.CONCLUDED
    assessment.grade = grade
    assessment.recommendation = recommendation
    assessment.mitigation = (mitigation or "").strip()
    assessment.concluded_at = timezone.now()
    assessment.concluded_by = user
    assessment.save(update_fields=fields)
    Decision.objects.filter(pk=assessment.decision_id,
                            status=DecisionStatus.UNDER_ASSESSMENT).update(
        status=DecisionStatus.ASSESSED)
    events.decision_event(decision=assessment.decision, user=user,
                          kind=DecisionEventKind.CONCLUDED, grade=grade,
                          recommendation=recommendation, report=assessment.report_name)
    return assessment


@transaction.atomic
def score_assessment(*, user, assessment, score, comment="") -> Assessment:
    assessment = _locked_assessment(assessment)
    if not assessment.is_concluded:
        raise ValidationError(_("Only a concluded assessment can be scored."))
    _refuse_unless(can_score(user, assessment),
                   _("Only a supervisor covering the decision can score its assessment."))
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"quality_score": _("The score is a whole number from 1 to 5.")})
    assessment.quality_score = score
    assessment.quality_comment = (comment or "").strip()
    assessment.scored_by = user
    assessment.scored_at = timezone.now()
    assessment.save(update_fields=["quality_score", "quality_comment", "scored_by", "scored_at"])
    events.decision_event(decision=assessment.decision, user=user, kind=DecisionEventKind.SCORED,
                          note=assessment.quality_comment, score=score)
    if assessment.agency_id:
        events.agency_scored(agency=assessment.agency, user=user, assessment=assessment)
    return assessment


@transaction.atomic
def mark_decided(*, user, decision, decided_on=None, note="") -> Decision:
    decision = _locked(decision)
    _refuse_unless(can_manage(user, decision), _("You cannot record this decision."))
    if decision.status in (DecisionStatus.REGISTERED, DecisionStatus.UNDER_ASSESSMENT):
        raise ValidationError(_(
            "The decision cannot be marked decided before its assessment is concluded."))
    if decision.status != DecisionStatus.ASSESSED:
        raise ValidationError(_("The decision is “%(status)s”: it cannot be marked "
                                "decided.") % {"status": decision.get_status_display()})
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
    _refuse_unless(can_manage(user, decision), _("You cannot record this decision's outcome."))
    if decision.status != DecisionStatus.DECIDED:
        raise ValidationError(_("Only a decided decision can be marked implemented or not; "
                                "this one is “%(status)s”.")
                              % {"status": decision.get_status_display()})
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
    _refuse_unless(can_manage(user, decision), _("You cannot link cases to this decision."))
    if decision.status not in (DecisionStatus.DECIDED, DecisionStatus.IMPLEMENTED):
        raise ValidationError(_("Only a decided decision can have caused a risk case."))
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
    _refuse_unless(can_manage(user, decision), _("You cannot withdraw this decision."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the decision is withdrawn.")})
    if decision.status in (DecisionStatus.DECIDED, DecisionStatus.IMPLEMENTED,
                           DecisionStatus.WITHDRAWN):
        raise ValidationError(_("A decision that is “%(status)s” cannot be "
                                "withdrawn.") % {"status": decision.get_status_display()})
    decision.status = DecisionStatus.WITHDRAWN
    decision.save(update_fields=["status"])
    events.decision_event(decision=decision, user=user, kind=DecisionEventKind.WITHDRAWN,
                          note=note.strip())
    return decision


@transaction.atomic
def comment(*, user, decision, note):
    _refuse_unless(can_comment(user, decision), _(
        "Supervisors covering a key-sensitive decision comment on it."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Write the comment.")})
    return events.decision_event(decision=decision, user=user, kind=DecisionEventKind.COMMENT,
                                 note=note.strip())


# ---------------------------------------------------------------- the public application
MB = 1024 * 1024


def check_application_size(content_length) -> None:
    """Refuse, from its announced length alone, a request larger than an application may
    be (AGENCY_APPLICATION_MAX_MB): nothing of it is read or written to disk."""
    try:
        size = int(content_length or 0)
    except (TypeError, ValueError):
        size = 0
    if size > settings.AGENCY_APPLICATION_MAX_MB * MB:
        raise ValidationError(too_large_message())


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
    transaction.on_commit(lambda: send_application_receipt(agency.pk))
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


def send_application_receipt(agency_id):
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        return
    try:
        send_mail(
            _("Your application %(ref)s was received") % {"ref": agency.reference},
            _("We received the application of %(name)s to the registry of third-party "
              "assessors. Its reference number is %(ref)s; quote it when you contact us.")
            % {"name": agency.name, "ref": agency.reference},
            None, [agency.contact_email],
        )
    except Exception:  # the application stands; the e-mail failure is logged
        log.exception("could not e-mail the receipt of agency %s", agency_id)


# ---------------------------------------------------------------- the registry lifecycle
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


def allowed_steps(user, agency) -> list[str]:
    if not is_admin(user):
        return []
    return [step for step, (sources, _target) in AGENCY_STEPS.items()
            if agency.status in sources]


@transaction.atomic
def agency_step(*, user, agency, step, note, valid_until=None, suspended_until=None) -> Agency:
    """Move an agency along its registration lifecycle (administrators only)."""
    _refuse_unless(is_admin(user), _("Only an administrator manages the registry."))
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
            events.decision_event(decision=assessment.decision, user=None,
                                  kind=DecisionEventKind.FLAGGED, note=reason,
                                  agency=agency.name)
            _mail_supervisors(assessment.decision, reason)
            flagged += 1
    return flagged


def supervisors_of(decision):
    """The supervisors who follow a decision: the city's, and its district's."""
    users = get_user_model().objects.filter(is_active=True, membership__role=Role.SUPERVISOR)
    if decision.district_id is None:
        return users.filter(membership__city_wide=True)
    return users.filter(Q(membership__city_wide=True)
                        | Q(membership__districts=decision.district_id)).distinct()


def _mail_supervisors(decision, reason):
    recipients = list(supervisors_of(decision).exclude(email="").values_list("email", flat=True))
    if not recipients:
        return
    url = f"{settings.SITE_URL.rstrip('/')}{decision.get_absolute_url()}"
    subject = _("Assessment flagged: %(title)s") % {"title": decision.title}
    body = _("The assessment of “%(title)s” is flagged: %(reason)s. Assign an "
             "approved agency before it is concluded.") % {"title": decision.title,
                                                           "reason": reason}

    def send():
        try:
            send_mail(subject, f"{body}\n\n{url}", None, recipients)
        except Exception:  # the flag stands; the failure is logged
            log.exception("could not e-mail the flag of decision %s", decision.pk)

    transaction.on_commit(send)


@transaction.atomic
def record_violation(*, user, agency, red_line, occurred_on, description) -> Violation:
    """Record a red-line violation and apply its consequence at once."""
    _refuse_unless(is_admin(user), _("Only an administrator records violations."))
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


# ---------------------------------------------------------------- trainings
@transaction.atomic
def record_training(*, user, training: Training, attendees) -> Training:
    """Save a training session with its attendees: ``[(name, code)]`` where the code is a
    district's code or an agency's credit code. Unknown codes are refused by name."""
    _refuse_unless(is_admin(user), _("Only an administrator records training sessions."))
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


def admins():
    return get_user_model().objects.filter(is_active=True, membership__role=Role.ADMIN)
