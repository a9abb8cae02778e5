"""The registry's notices go through riskdesk.notify like every other: a flagged assessment
reaches each supervisor's inbox and e-mail, an applicant's receipt is e-mailed to the
address they gave; both are retried and, when they keep failing, listed as failed."""

import smtplib

import pytest

from assessments import actions
from assessments.choices import AgencyStep
from assessments.models import Agency
from riskdesk import tasks
from riskdesk.choices import EmailStatus, NoticeKind
from riskdesk.models import Notification


@pytest.fixture(autouse=True)
def _eager(eager_tasks):
    """Queued e-mail tasks run at once, in the test (apply() runs retries at once too)."""


@pytest.fixture
def smtp_down(monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(tasks, "send_mail", refuse)
    return calls


def suspend(admin_user, agency):
    actions.agency_step(user=admin_user, agency=agency, step=AgencyStep.SUSPEND,
                        note="Complaint")


# ---------------------------------------------------------------- a flagged assessment
def test_a_flag_reaches_each_supervisors_inbox_and_email(
    admin_user, agency, assessment, district_supervisor, city_supervisor, mailoutbox,
    django_capture_on_commit_callbacks
):
    # when the assessing agency is suspended, which flags its assessment
    with django_capture_on_commit_callbacks(execute=True):
        suspend(admin_user, agency)
    # then both supervisors who follow the decision have a notice in their inbox
    notices = Notification.objects.filter(kind=NoticeKind.ASSESSMENT_FLAGGED)
    assert {n.user for n in notices} == {district_supervisor, city_supervisor}
    assert all(n.url == assessment.decision.get_absolute_url() for n in notices)
    # and each got an e-mail saying so
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [district_supervisor.email, city_supervisor.email])
    assert all("flagged" in m.subject for m in mailoutbox)
    assert set(notices.values_list("email_status", flat=True)) == {EmailStatus.SENT}


def test_a_flag_email_that_keeps_failing_is_retried_then_listed_as_failed(
    admin_user, agency, assessment, district_supervisor, smtp_down,
    django_capture_on_commit_callbacks
):
    # given a mail server that refuses every connection
    # when the agency is suspended
    with django_capture_on_commit_callbacks(execute=True):
        suspend(admin_user, agency)
    # then the e-mail was tried MAX_ATTEMPTS times and is recorded as failed, with why
    notice = Notification.objects.get(kind=NoticeKind.ASSESSMENT_FLAGGED,
                                      user=district_supervisor)
    assert notice.email_status == EmailStatus.FAILED
    assert notice.email_attempts == tasks.MAX_ATTEMPTS
    assert "Connection unexpectedly closed" in notice.email_error
    # and the flag itself stands
    assessment.refresh_from_db()
    assert assessment.flagged


# ---------------------------------------------------------------- an applicant's receipt
def test_the_applicant_is_emailed_the_receipt(client, application, mailoutbox,
                                              django_capture_on_commit_callbacks):
    # when an agency applies through the public form
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/agencies/apply/", application)
    # then the address it gave gets its reference number by e-mail
    agency = Agency.objects.get()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [agency.contact_email]
    assert agency.reference in mailoutbox[0].subject
    # and the e-mail is on record like every other notice, with no inbox behind it
    receipt = Notification.objects.get(kind=NoticeKind.APPLICATION_RECEIVED)
    assert receipt.user is None and receipt.address == agency.contact_email
    assert receipt.email_status == EmailStatus.SENT


def test_a_receipt_that_keeps_failing_is_retried_then_listed_as_failed(
    client, application, smtp_down, django_capture_on_commit_callbacks
):
    # given a mail server that refuses every connection
    # when an agency applies
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/agencies/apply/", application)
    # then the application stands, and its receipt is recorded as failed after the retries
    assert response.status_code == 200 and Agency.objects.exists()
    receipt = Notification.objects.get(kind=NoticeKind.APPLICATION_RECEIVED)
    assert len(smtp_down) == tasks.MAX_ATTEMPTS
    assert receipt.email_status == EmailStatus.FAILED
    assert "Connection unexpectedly closed" in receipt.email_error


def test_an_applicants_receipt_is_not_a_choice_on_the_notification_settings(client_for,
                                                                          owner):
    response = client_for(owner).get("/notifications/settings/")
    assert NoticeKind.ASSESSMENT_FLAGGED.value in response.context["form"].fields
    assert NoticeKind.APPLICATION_RECEIVED.value not in response.context["form"].fields
