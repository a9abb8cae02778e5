"""The work on one assessment: which agency may do it, recording its mechanisms (public
notice, risks, expert review, survey, report), concluding it and scoring its quality.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import events
from assessments.actions.rights import can_manage, can_record, can_score, refuse_unless
from assessments.choices import (
    AgencyStatus,
    AssessmentStatus,
    AssessorKind,
    DecisionEventKind,
    DecisionStatus,
    Grade,
    Recommendation,
)
from assessments.models import Assessment, Decision, ExpertReview, PublicNotice, RiskItem, Survey
from riskdesk.files import check_upload


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


def _locked_assessment(assessment) -> Assessment:
    return Assessment.objects.select_for_update(of=("self",)).select_related(
        "decision", "agency").get(pk=assessment.pk)


@transaction.atomic
def assign_agency(*, user, assessment, agency) -> Assessment:
    """Give an in-progress assessment to another (assignable) agency."""
    assessment = _locked_assessment(assessment)
    decision = assessment.decision
    refuse_unless(can_manage(user, decision), _("You cannot change who assesses this decision."))
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
    refuse_unless(can_record(user, assessment),
                   _("Only the assigned agency's staff (or, for a self-assessment, the "
                     "sponsoring department) record this assessment."))
    agency = assessment.agency
    if agency is not None and not agency.is_assignable_on(timezone.localdate()):
        raise ValidationError(_("%(agency)s is “%(status)s”: it cannot work on "
                                "assessments.") % {"agency": agency.name,
                                                   "status": agency.get_status_display()})


def _save_the_only_one(record, assessment):
    """Save ``record`` (a public notice, expert review or survey: one per assessment) as the
    assessment's, replacing the one recorded before."""
    existing = type(record).objects.filter(assessment=assessment).first()
    record.assessment = assessment
    record.pk = existing.pk if existing else None
    record._state.adding = existing is None
    record.full_clean()
    record.save()


@transaction.atomic
def record_notice(*, user, assessment, notice: PublicNotice) -> PublicNotice:
    assessment = _locked_assessment(assessment)
    _check_recording(user, assessment)
    _save_the_only_one(notice, assessment)
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
    _save_the_only_one(review, assessment)
    events.decision_event(decision=assessment.decision, user=user,
                          kind=DecisionEventKind.EXPERT_REVIEW, held_on=review.held_on.isoformat())
    return review


@transaction.atomic
def record_survey(*, user, assessment, survey: Survey) -> Survey:
    assessment = _locked_assessment(assessment)
    _check_recording(user, assessment)
    _save_the_only_one(survey, assessment)
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
    refuse_unless(can_score(user, assessment),
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
