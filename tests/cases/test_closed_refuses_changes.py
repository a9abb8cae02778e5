"""A closed case, and a closed supervision order, take no change: each write is refused
in its action, with a message on the page, and nothing is written (no row, no file).

Checked in cases/actions/: register_case (a new case, never closed), update_case
(refused before), transition (only "reopen" leaves "closed"), log_follow_up (refused
before), add_attachment (was not checked), issue_order (refused before), acknowledge_order,
answer_order, request_extension, return_order (not checked for a closed case; a closed
order was refused by its state), close_order and refusing a request for more time (allowed
on a closed case: they only wind the supervision down), granting more time (refused on a
closed order before; now on a closed case too). The reminders to answer an order
(cases.tasks.remind_supervision_orders) skip the orders of closed cases."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import actions, tasks
from cases.choices import ExtensionState, OrderState, Status, SupervisionLevel, Transition
from cases.models import Attachment, Case, CaseEvent, ExtensionRequest, FollowUp, SupervisionOrder
from riskdesk.choices import NoticeKind
from riskdesk.models import Notification

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = datetime.date(2026, 6, 1)
REFUSED = "The case is closed: a supervisor can reopen it first."
ORDER_NOTICES = [NoticeKind.ORDER_DUE, NoticeKind.ORDER_OVERDUE]


@pytest.fixture(autouse=True)
def _fixed_day_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False):
        yield


@pytest.fixture
def close(owner, district_supervisor):
    """Take a case the whole way to closed, through the actions."""

    def run(case):
        for name in (Transition.VERIFY, Transition.START, Transition.RESOLVE):
            case = actions.transition(user=owner, case=case, name=name, note="done")
        return actions.transition(user=district_supervisor, case=case, name=Transition.CLOSE,
                                  note="verified")

    return run


@pytest.fixture
def order(case, district_supervisor):
    """An order issued while the case was open."""
    return actions.issue_order(user=district_supervisor, case=case,
                               level=SupervisionLevel.DISTRICT, instructions="Pay the workers.",
                               due_date=TODAY + datetime.timedelta(days=14))


def files_on_disk(tmp_path):
    return [path for path in tmp_path.rglob("*") if path.is_file()]


def history(case):
    return CaseEvent.objects.filter(case=case).count()


# ---------------------------------------------------------------- the case
def test_staff_cannot_attach_to_a_closed_case(client_for, owner, case, close, tmp_path):
    # given a closed case
    case = close(case)
    events = history(case)
    # when its owner posts a file to it directly
    response = client_for(owner).post(f"/cases/{case.reference}/attachments/", {
        "files": SimpleUploadedFile("receipts.pdf", PDF)}, follow=True)
    # then the case page says why, and no row, event or file was written
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not Attachment.objects.exists()
    assert history(case) == events
    assert files_on_disk(tmp_path) == []


def test_the_action_refuses_an_attachment_on_a_closed_case(owner, case, close, tmp_path):
    case = close(case)
    with pytest.raises(ValidationError, match=REFUSED):
        actions.add_attachment(user=owner, case=case,
                               upload=SimpleUploadedFile("receipts.pdf", PDF))
    assert not Attachment.objects.exists()
    assert files_on_disk(tmp_path) == []


def test_an_attachment_is_judged_on_the_case_as_it_is_now(owner, case, close, tmp_path):
    # given a page loaded while the case was open, then the case closed
    stale = Case.objects.get(pk=case.pk)
    close(case)
    # when the file is attached with the stale case
    with pytest.raises(ValidationError, match=REFUSED):
        actions.add_attachment(user=owner, case=stale,
                               upload=SimpleUploadedFile("receipts.pdf", PDF))
    # then it is refused all the same
    assert not Attachment.objects.exists()


def test_staff_cannot_log_a_follow_up_with_files_on_a_closed_case(
    client_for, owner, case, close, tmp_path
):
    case = close(case)
    events = history(case)
    response = client_for(owner).post(f"/cases/{case.reference}/follow-ups/new/", {
        "date": "2026-06-01", "method": "call", "summary": "Called the contractor.",
        "people_helped_added": "5", "amount_recovered_added": "0",
        "files": [SimpleUploadedFile("receipts.pdf", PDF)],
    })
    assert response.status_code == 200
    assert "A closed case takes no follow-ups" in response.content.decode()
    assert not FollowUp.objects.exists() and not Attachment.objects.exists()
    assert Case.objects.get(pk=case.pk).people_helped == 0
    assert history(case) == events
    assert files_on_disk(tmp_path) == []


def test_staff_cannot_edit_a_closed_case(client_for, owner, case, close):
    case = close(case)
    response = client_for(owner).post(f"/cases/{case.reference}/edit/",
                                      {"title": "Renamed"}, follow=True)
    assert "A closed case cannot be edited" in response.content.decode()
    assert Case.objects.get(pk=case.pk).title == case.title
    # and the action refuses it too, whatever calls it
    case.title = "Renamed"
    with pytest.raises(ValidationError, match="A closed case cannot be edited"):
        actions.update_case(user=owner, case=case)
    assert Case.objects.get(pk=case.pk).title != "Renamed"


@pytest.mark.parametrize("name", [Transition.VERIFY, Transition.START, Transition.RESOLVE,
                                  Transition.CLOSE, Transition.RETURN])
def test_a_closed_case_only_reopens(client_for, district_supervisor, case, close, name):
    case = close(case)
    response = client_for(district_supervisor).post(
        f"/cases/{case.reference}/status/{name}/", {"note": "again"}, follow=True)
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED


# ---------------------------------------------------------------- orders of a closed case
def step(client, order, path, data):
    return client.post(f"/supervision/{order.pk}/{path}/", data)


def test_staff_cannot_acknowledge_an_order_of_a_closed_case(client_for, owner, case, order,
                                                            close):
    case = close(case)
    events = history(case)
    response = step(client_for(owner), order, "acknowledge", {})
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.ISSUED
    assert history(case) == events


def test_staff_cannot_answer_an_order_of_a_closed_case(client_for, owner, case, order, close,
                                                       tmp_path):
    actions.acknowledge_order(user=owner, order=order)
    case = close(case)
    events = history(case)
    response = step(client_for(owner), order, "answer", {
        "answer-answer": "Paid the workers.",
        "answer-files": [SimpleUploadedFile("receipts.pdf", PDF)],
    })
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    current = SupervisionOrder.objects.get(pk=order.pk)
    assert current.state == OrderState.ACKNOWLEDGED and current.answer == ""
    assert not Attachment.objects.exists()
    assert history(case) == events
    assert files_on_disk(tmp_path) == []


def test_staff_cannot_ask_for_more_time_on_an_order_of_a_closed_case(
    client_for, owner, case, order, close
):
    case = close(case)
    response = step(client_for(owner), order, "extension", {
        "extension-requested_due_date": "2026-07-01", "extension-reason": "Payroll audit.",
    })
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_a_supervisor_cannot_send_back_an_order_of_a_closed_case(
    client_for, owner, district_supervisor, case, order, close
):
    actions.acknowledge_order(user=owner, order=order)
    actions.answer_order(user=owner, order=order, answer="Paid.")
    case = close(case)
    response = step(client_for(district_supervisor), order, "return",
                    {"return-note": "Receipts missing."})
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.ANSWERED


def test_a_supervisor_cannot_grant_more_time_on_an_order_of_a_closed_case(
    client_for, owner, district_supervisor, case, order, close
):
    request = actions.request_extension(user=owner, order=order, reason="Payroll audit.",
                                        requested_due_date=TODAY + datetime.timedelta(days=30))
    case = close(case)
    response = client_for(district_supervisor).post(
        f"/supervision/{order.pk}/extension/{request.pk}/decide/",
        {"decide-decision": "grant", "decide-note": "Fine."})
    assert response.status_code == 200
    assert "The case is closed: the request can only be refused." in response.content.decode()
    assert ExtensionRequest.objects.get().state == ExtensionState.PENDING
    assert SupervisionOrder.objects.get(pk=order.pk).due_date == order.due_date


def test_a_supervisor_can_still_wind_down_an_order_of_a_closed_case(
    client_for, owner, district_supervisor, case, order, close
):
    # given an answered order with a pending request, and the case then closed
    actions.acknowledge_order(user=owner, order=order)
    request = actions.request_extension(user=owner, order=order, reason="Payroll audit.",
                                        requested_due_date=TODAY + datetime.timedelta(days=30))
    actions.answer_order(user=owner, order=order, answer="Paid.")
    case = close(case)
    boss = client_for(district_supervisor)
    # when the supervisor refuses the request and closes the order
    boss.post(f"/supervision/{order.pk}/extension/{request.pk}/decide/",
              {"decide-decision": "refuse", "decide-note": "Case closed."})
    boss.post(f"/supervision/{order.pk}/close/", {"close-note": "Done."})
    # then both are recorded and the case is no longer supervised
    assert ExtensionRequest.objects.get().state == ExtensionState.REFUSED
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.CLOSED
    assert Case.objects.get(pk=case.pk).supervision_level == ""


def test_a_closed_case_offers_no_order_steps_to_staff(client_for, owner, case, order, close):
    close(case)
    text = client_for(owner).get(f"/supervision/{order.pk}/").content.decode()
    assert f"/supervision/{order.pk}/acknowledge/" not in text


# ---------------------------------------------------------------- a closed order
def test_staff_cannot_answer_a_closed_order(client_for, owner, district_supervisor, order,
                                            tmp_path):
    actions.acknowledge_order(user=owner, order=order)
    actions.answer_order(user=owner, order=order, answer="Paid.")
    actions.close_order(user=district_supervisor, order=order, note="")
    response = step(client_for(owner), order, "answer", {
        "answer-answer": "Paid again.",
        "answer-files": [SimpleUploadedFile("receipts.pdf", PDF)],
    })
    assert response.status_code == 200
    assert "it takes no answer now" in response.content.decode()
    assert SupervisionOrder.objects.get(pk=order.pk).answer == "Paid."
    assert files_on_disk(tmp_path) == []


@pytest.mark.parametrize(("path", "data"), [
    ("acknowledge", {}),
    ("extension", {"extension-requested_due_date": "2026-07-01", "extension-reason": "x"}),
])
def test_staff_cannot_change_a_closed_order(client_for, owner, district_supervisor, order,
                                            path, data):
    actions.acknowledge_order(user=owner, order=order)
    actions.answer_order(user=owner, order=order, answer="Paid.")
    actions.close_order(user=district_supervisor, order=order, note="")
    response = step(client_for(owner), order, path, data)
    assert response.status_code == 200
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.CLOSED
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize(("path", "data"), [
    ("close", {"close-note": "again"}), ("return", {"return-note": "again"}),
])
def test_a_supervisor_cannot_change_a_closed_order(client_for, owner, district_supervisor,
                                                   order, path, data):
    actions.acknowledge_order(user=owner, order=order)
    actions.answer_order(user=owner, order=order, answer="Paid.")
    actions.close_order(user=district_supervisor, order=order, note="")
    events = CaseEvent.objects.count()
    response = step(client_for(district_supervisor), order, path, data)
    assert response.status_code == 200
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.CLOSED
    assert CaseEvent.objects.count() == events


# ---------------------------------------------------------------- reminders
@pytest.mark.parametrize("today", ["2026-06-14", "2026-06-20"], ids=["due soon", "overdue"])
def test_staff_are_not_reminded_to_answer_an_order_of_a_closed_case(case, order, close, today):
    # given an order due on 15 June, on a case that was then closed
    close(case)
    # when the reminders are swept before and after the due date
    tasks.remind_supervision_orders(today=today)
    # then nobody is asked to answer what can no longer be answered
    assert not Notification.objects.filter(kind__in=ORDER_NOTICES).exists()


def test_staff_are_reminded_to_answer_an_order_of_an_open_case(case, order):
    tasks.remind_supervision_orders(today="2026-06-14")
    assert Notification.objects.filter(kind__in=ORDER_NOTICES).exists()
