"""The agency registry: credit codes, the lifecycle, red lines and the scheduled jobs."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import actions, tasks
from assessments.choices import (
    AgencyEventKind,
    AgencyStatus,
    AgencyStep,
    Consequence,
    DecisionEventKind,
    Grade,
    Recommendation,
)
from assessments.creditcode import validate_credit_code
from assessments.models import Agency, AgencyAlert, RedLine
from riskdesk.choices import NoticeKind
from riskdesk.models import Notification
from riskdesk.notify import render


# ---------------------------------------------------------------- credit code
@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B"])
def test_valid_credit_codes_are_accepted(code):
    assert validate_credit_code(code) == code


def test_lower_case_and_spaces_are_normalised():
    assert validate_credit_code(" 91110000802100433b ") == "91110000802100433B"


def test_a_wrong_check_character_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100M000100Y44")
    assert error.value.code == "check"


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", ""])
def test_a_wrong_length_is_refused(code):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == "length"


def test_letters_outside_the_alphabet_are_refused():
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100M00010OY43")
    assert error.value.code == "characters"


# ---------------------------------------------------------------- lifecycle
def _pending(code="91110000802100433B"):
    from tests.assessments.conftest import make_agency

    return make_agency(code, status=AgencyStatus.SUBMITTED, valid_days=None)


def test_admin_reviews_and_approves_with_history(admin_user):
    agency = _pending()
    actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.REVIEW, note="Docs in")
    valid = timezone.localdate() + datetime.timedelta(days=365)
    agency = actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.APPROVE,
                                 note="Meets the rules", valid_until=valid)
    assert agency.status == AgencyStatus.APPROVED and agency.valid_until == valid
    steps = list(agency.events.filter(kind=AgencyEventKind.STEP).values_list("data", flat=True))
    assert [s["to"] for s in steps] == ["approved", "under_review"]


def test_approval_needs_a_future_valid_until_date(admin_user):
    agency = _pending()
    actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.REVIEW, note="ok")
    with pytest.raises(ValidationError):
        actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.APPROVE, note="ok")
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.UNDER_REVIEW


def test_rejection_needs_a_reason_and_only_admins_decide(admin_user, city_supervisor):
    agency = _pending()
    with pytest.raises(ValidationError):
        actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.REJECT, note=" ")
    with pytest.raises(ValidationError):
        actions.agency_step(user=city_supervisor, agency=agency, step=AgencyStep.REJECT,
                            note="No licence")
    actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.REJECT,
                        note="No licence")
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.REJECTED


def test_a_step_from_the_wrong_status_is_refused(admin_user, agency):
    with pytest.raises(ValidationError) as error:
        actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.REINSTATE,
                            note="x")
    assert "not possible" in str(error.value)


def test_suspend_flags_in_progress_assessments_then_reinstate(admin_user, agency, assessment):
    actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.SUSPEND,
                        note="Complaint under investigation")
    assessment.refresh_from_db()
    assert assessment.flagged and "suspended" in assessment.flag_reason.lower()
    assert assessment.decision.events.filter(kind=DecisionEventKind.FLAGGED).exists()
    agency = actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.REINSTATE,
                                 note="Cleared")
    assert agency.status == AgencyStatus.APPROVED


def test_a_flagged_assessment_cannot_conclude(admin_user, agency, recorded, assessor):
    actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.REVOKE, note="Fraud")
    with pytest.raises(ValidationError):
        actions.conclude(user=assessor, assessment=recorded, grade=Grade.LOW,
                         recommendation=Recommendation.PROCEED)


# ---------------------------------------------------------------- red lines
@pytest.fixture
def red_lines(db):
    return {
        "warning": RedLine.objects.create(code="late-report", name_en="Late report",
                                          name_zh="逾期提交报告", consequence=Consequence.WARNING),
        "suspension": RedLine.objects.create(
            code="subcontracting", name_en="Subcontracting the assessment",
            name_zh="转包评估业务", consequence=Consequence.SUSPENSION, suspension_months=6),
        "revocation": RedLine.objects.create(
            code="falsified-data", name_en="Falsified data", name_zh="弄虚作假",
            consequence=Consequence.REVOCATION),
    }


def test_a_warning_changes_no_status(admin_user, agency, red_lines):
    actions.record_violation(user=admin_user, agency=agency, red_line=red_lines["warning"],
                             occurred_on=timezone.localdate(), description="Report 10 days late")
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.APPROVED
    assert agency.events.filter(kind=AgencyEventKind.VIOLATION).count() == 1


def test_a_suspension_red_line_suspends_at_once_for_its_months(
    admin_user, agency, red_lines, assessment
):
    today = timezone.localdate()
    violation = actions.record_violation(
        user=admin_user, agency=agency, red_line=red_lines["suspension"], occurred_on=today,
        description="Gave the field work to another company")
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.SUSPENDED
    assert agency.suspended_until == actions.add_months(today, 6) == violation.suspended_until
    assessment.refresh_from_db()
    assert assessment.flagged


def test_a_revocation_red_line_revokes_at_once(admin_user, agency, red_lines, assessment):
    actions.record_violation(user=admin_user, agency=agency, red_line=red_lines["revocation"],
                             occurred_on=timezone.localdate(), description="Invented surveys")
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.REVOKED
    assessment.refresh_from_db()
    assert assessment.flagged


def test_violations_need_a_description_and_an_admin(admin_user, city_supervisor, agency,
                                                   red_lines):
    with pytest.raises(ValidationError):
        actions.record_violation(user=admin_user, agency=agency, red_line=red_lines["warning"],
                                 occurred_on=timezone.localdate(), description="")
    with pytest.raises(ValidationError):
        actions.record_violation(user=city_supervisor, agency=agency,
                                 red_line=red_lines["warning"],
                                 occurred_on=timezone.localdate(), description="x")
    assert not agency.violations.exists()


def test_add_months_keeps_the_end_of_month():
    assert actions.add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)


# ---------------------------------------------------------------- scheduled jobs
def _expiring(days):
    from tests.assessments.conftest import make_agency

    return make_agency("91110000802100433B", valid_days=days)


@pytest.mark.parametrize("days,kind", [(60, "renewal_60"), (30, "renewal_30"),
                                       (7, "renewal_7"), (45, "renewal_60")])
def test_renewal_reminder_sent_once_per_threshold(db, days, kind, mailoutbox, eager_tasks,
                                                  django_capture_on_commit_callbacks):
    agency = _expiring(days)
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.remind_agency_renewals()
        second = tasks.remind_agency_renewals()
    assert first == {"sent": 1, "skipped": 0} and second == {"sent": 0, "skipped": 1}
    assert list(AgencyAlert.objects.values_list("kind", flat=True)) == [kind]
    assert len(mailoutbox) == 1 and agency.contact_email in mailoutbox[0].to


def test_administrators_find_the_reminder_in_their_inbox_and_the_contact_by_email(
        admin_user, mailoutbox, eager_tasks, django_capture_on_commit_callbacks):
    # given an agency whose registration expires in a week
    agency = _expiring(7)

    # when the reminders run
    with django_capture_on_commit_callbacks(execute=True):
        tasks.remind_agency_renewals()

    # then the administrator has it in the inbox, linked to the agency
    notice = Notification.objects.get(user=admin_user)
    assert notice.kind == NoticeKind.AGENCY_EXPIRING
    assert notice.url == agency.get_absolute_url()
    assert agency.name in render(notice) and agency.valid_until.isoformat() in render(notice)
    # and the contact and the administrator each get an e-mail saying it, the contact's
    # recorded as sent like every other notice
    assert sorted(m.to[0] for m in mailoutbox) == sorted([agency.contact_email,
                                                          admin_user.email])
    assert Notification.objects.get(address=agency.contact_email).email_status == "sent"
    assert "Apply for renewal in time" in mailoutbox[0].body


def test_no_reminder_far_from_expiry(db):
    _expiring(90)
    assert tasks.remind_agency_renewals() == {"sent": 0, "skipped": 0}


def test_each_threshold_is_sent_as_the_date_approaches(db):
    agency = _expiring(60)
    today = timezone.localdate()
    for offset in (0, 1, 30, 31, 53, 54):
        tasks.remind_agency_renewals((today + datetime.timedelta(days=offset)).isoformat())
    kinds = sorted(AgencyAlert.objects.filter(agency=agency).values_list("kind", flat=True))
    assert kinds == ["renewal_30", "renewal_60", "renewal_7"]


def test_expiry_happens_once_and_flags_assessments(assessment, agency, mailoutbox, eager_tasks,
                                                   django_capture_on_commit_callbacks):
    later = (agency.valid_until + datetime.timedelta(days=1)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_agencies(later) == {"expired": 1}
        assert tasks.expire_agencies(later) == {"expired": 0}
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.EXPIRED
    assert agency.events.filter(kind=AgencyEventKind.EXPIRED).count() == 1
    assessment.refresh_from_db()
    assert assessment.flagged
    assert [m.to for m in mailoutbox] == [[agency.contact_email]]
    assert "can no longer be assigned assessments" in mailoutbox[0].body


def test_an_agency_renewed_before_expiry_does_not_expire(admin_user, agency):
    actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.RENEW, note="Renewed",
                        valid_until=agency.valid_until + datetime.timedelta(days=365))
    later = (agency.valid_until + datetime.timedelta(days=1)).isoformat()
    assert tasks.expire_agencies(later) == {"expired": 0}
    assert Agency.objects.get(pk=agency.pk).status == AgencyStatus.APPROVED


def test_a_suspended_agency_cannot_record(admin_user, agency, assessment, assessor):
    from assessments.models import RiskItem

    actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.SUSPEND, note="x")
    with pytest.raises(ValidationError) as error:
        actions.record_risk(user=assessor, assessment=assessment, risk=RiskItem(
            description="x", likelihood=1, impact=1))
    assert "Suspended" in str(error.value)
    assert not assessment.risks.exists()


def test_the_approval_form_asks_for_the_end_date_it_needs_and_nothing_else(
    admin_user, client_for
):
    # given an agency under review
    agency = _pending()
    actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.REVIEW, note="Docs in")

    # when an administrator opens its page
    html = client_for(admin_user).get(f"/agencies/{agency.pk}/").content.decode()

    # then approving asks for "valid until", marked required, and not for a suspension
    approve = html[html.index('action="/agencies/%d/step/approve/"' % agency.pk):]
    approve = approve[:approve.index("</form>")]
    assert 'name="approve-valid_until"' in approve and "required" in approve
    assert 'class="required"' in approve
    assert "suspended_until" not in approve


def test_a_refused_approval_keeps_the_typed_note_and_says_why(admin_user, client_for):
    # given an agency under review
    agency = _pending()
    actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.REVIEW, note="Docs in")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    # when the administrator approves it with an end date already past
    response = client_for(admin_user).post(f"/agencies/{agency.pk}/step/approve/", {
        "approve-note": "All documents checked by 王科长", "approve-valid_until": yesterday})

    # then the page says why, with the approval form open and the note as typed
    html = response.content.decode()
    assert response.status_code == 400
    assert "All documents checked by 王科长" in html
    assert 'class="field__error"' in html
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.UNDER_REVIEW
