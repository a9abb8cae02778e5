"""Supervision orders (督办单): issued by supervisors, acknowledged and answered by the
district, closed or sent back; more time asked for and granted or refused."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cases import actions
from cases.choices import (
    EventKind,
    ExtensionState,
    OrderState,
    Status,
    SupervisionLevel,
    Transition,
)
from cases.models import Attachment, Case, CaseEvent, ExtensionRequest, SupervisionOrder
from riskdesk.choices import NoticeKind
from riskdesk.models import Notification
from riskdesk.notify import render
from tests.factories import make_user

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _fixed_day(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False):
        yield


def in_days(days):
    return TODAY + datetime.timedelta(days=days)


@pytest.fixture
def issue(case, district_supervisor):
    def make(*, user=None, level=SupervisionLevel.DISTRICT, due=14, on=None, **extra):
        return actions.issue_order(
            user=user or district_supervisor, case=on or case, level=level,
            instructions=extra.get("instructions", "Pay the 80 workers before the holiday."),
            due_date=in_days(due),
        )

    return make


@pytest.fixture
def order(issue):
    return issue()


def answered(order, staff, text="Paid 80 workers on site; receipts attached."):
    actions.acknowledge_order(user=staff, order=order)
    return actions.answer_order(user=staff, order=order, answer=text)


def kinds(case):
    return list(
        CaseEvent.objects.filter(case=case).order_by("at", "id").values_list("kind", flat=True)
    )


# ---------------------------------------------------------------- the whole way
def test_issue_acknowledge_answer_close(case, order, owner, district_supervisor):
    # given an order the district supervisor issued
    assert order.state == OrderState.ISSUED
    assert order.due_date == order.original_due_date == in_days(14)
    assert Case.objects.get(pk=case.pk).supervision_level == SupervisionLevel.DISTRICT
    # when the owner acknowledges and answers it and the supervisor closes it
    actions.acknowledge_order(user=owner, order=order)
    assert order.state == OrderState.ACKNOWLEDGED and order.acknowledged_by == owner
    actions.answer_order(user=owner, order=order, answer="Paid on site.")
    assert order.state == OrderState.ANSWERED and order.answer == "Paid on site."
    actions.close_order(user=district_supervisor, order=order, note="Receipts checked.")
    # then it is closed, the case is no longer supervised, and each step is in the history
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED and order.closed_by == district_supervisor
    assert Case.objects.get(pk=case.pk).supervision_level == ""
    assert kinds(case)[-4:] == [
        EventKind.ORDER_ISSUED, EventKind.ORDER_ACKNOWLEDGED, EventKind.ORDER_ANSWERED,
        EventKind.ORDER_CLOSED,
    ]
    closed = CaseEvent.objects.get(case=case, kind=EventKind.ORDER_CLOSED)
    assert closed.data["note"] == "Receipts checked."
    assert closed.data["supervision_level"] == [SupervisionLevel.DISTRICT, ""]


def test_a_colleague_of_the_district_may_answer(order, colleague):
    answered(order, colleague)
    assert order.state == OrderState.ANSWERED and order.answered_by == colleague


def test_answer_files_are_stored_on_the_case_linked_to_the_order(case, order, owner):
    actions.acknowledge_order(user=owner, order=order)
    actions.answer_order(user=owner, order=order, answer="Receipts attached.", uploads=[
        SimpleUploadedFile("receipts.pdf", PDF), SimpleUploadedFile("site.pdf", PDF),
    ])
    files = Attachment.objects.filter(case=case).order_by("id")
    assert [(a.original_name, a.order_id) for a in files] == [
        ("receipts.pdf", order.pk), ("site.pdf", order.pk),
    ]
    event = CaseEvent.objects.get(case=case, kind=EventKind.ORDER_ANSWERED)
    assert [f["name"] for f in event.data["attachments"]] == ["receipts.pdf", "site.pdf"]


def test_one_bad_file_refuses_the_whole_answer(case, order, owner):
    actions.acknowledge_order(user=owner, order=order)
    with pytest.raises(ValidationError, match="not really a PDF"):
        actions.answer_order(user=owner, order=order, answer="See files.", uploads=[
            SimpleUploadedFile("good.pdf", PDF), SimpleUploadedFile("bad.pdf", b"MZ\x90\x00"),
        ])
    order.refresh_from_db()
    assert order.state == OrderState.ACKNOWLEDGED and order.answer == ""
    assert not Attachment.objects.exists()


def test_an_attachment_cannot_be_linked_to_another_cases_order(make_case, order, owner):
    other = make_case(title="Another case")
    with pytest.raises(ValidationError, match="another case"):
        actions.add_attachment(user=owner, case=other, order=order,
                               upload=SimpleUploadedFile("x.pdf", PDF))
    assert not Attachment.objects.exists()


def test_return_then_acknowledge_and_answer_again(case, order, owner, district_supervisor):
    # given an answered order
    answered(order, owner, text="First answer.")
    # when the supervisor sends it back
    actions.return_order(user=district_supervisor, order=order, note="Receipts are missing.")
    # then the district must acknowledge before answering again
    assert order.state == OrderState.RETURNED and order.return_note == "Receipts are missing."
    with pytest.raises(ValidationError, match="Acknowledge the order first"):
        actions.answer_order(user=owner, order=order, answer="Second answer.")
    answered(order, owner, text="Second answer, with receipts.")
    actions.close_order(user=district_supervisor, order=order, note="")
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED and order.answer == "Second answer, with receipts."
    answers = CaseEvent.objects.filter(case=case, kind=EventKind.ORDER_ANSWERED).order_by("id")
    assert [e.data["answer"] for e in answers] == ["First answer.", "Second answer, with receipts."]


def test_return_needs_a_note(order, owner, district_supervisor):
    answered(order, owner)
    with pytest.raises(ValidationError, match="missing"):
        actions.return_order(user=district_supervisor, order=order, note="  ")
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.ANSWERED


def test_an_answer_needs_text(order, owner):
    actions.acknowledge_order(user=owner, order=order)
    with pytest.raises(ValidationError, match="Write the answer"):
        actions.answer_order(user=owner, order=order, answer="   ")
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.ACKNOWLEDGED


def test_answering_before_acknowledging_says_so(order, owner):
    with pytest.raises(ValidationError, match="Acknowledge the order first"):
        actions.answer_order(user=owner, order=order, answer="Done.")
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.ISSUED


def test_only_an_answered_order_can_be_closed(case, order, district_supervisor):
    events_before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(ValidationError, match="Only an answered order"):
        actions.close_order(user=district_supervisor, order=order, note="")
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.ISSUED
    assert CaseEvent.objects.filter(case=case).count() == events_before


def test_acknowledging_twice_is_refused(order, owner):
    actions.acknowledge_order(user=owner, order=order)
    with pytest.raises(ValidationError, match="Only an order just issued or sent back"):
        actions.acknowledge_order(user=owner, order=order)


# ---------------------------------------------------------------- who may do what
def test_staff_cannot_issue_an_order(case, owner):
    with pytest.raises(ValidationError, match="Only a supervisor"):
        actions.issue_order(user=owner, case=case, level=SupervisionLevel.DISTRICT,
                            instructions="Do it.", due_date=in_days(7))
    assert not SupervisionOrder.objects.exists()


def test_staff_cannot_close_or_return_an_order(order, owner):
    answered(order, owner)
    with pytest.raises(ValidationError, match="Only a supervisor"):
        actions.close_order(user=owner, order=order, note="")
    with pytest.raises(ValidationError, match="Only a supervisor"):
        actions.return_order(user=owner, order=order, note="No.")
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.ANSWERED


def test_a_supervisor_does_not_answer_for_the_district(order, district_supervisor):
    with pytest.raises(ValidationError, match="Only staff"):
        actions.answer_order(user=district_supervisor, order=order, answer="x")


def test_a_supervisor_who_owns_the_case_may_acknowledge(make_case, district_supervisor, issue):
    case = make_case(owner=district_supervisor)
    order = issue(on=case)
    actions.acknowledge_order(user=district_supervisor, order=order)
    assert order.state == OrderState.ACKNOWLEDGED


def test_a_district_supervisor_cannot_issue_a_city_level_order(case, district_supervisor):
    with pytest.raises(ValidationError, match="city-wide supervisor"):
        actions.issue_order(user=district_supervisor, case=case, level=SupervisionLevel.CITY,
                            instructions="Do it.", due_date=in_days(7))
    assert not SupervisionOrder.objects.exists()


def test_a_city_level_order_is_closed_only_by_a_city_wide_supervisor(
    case, issue, owner, city_supervisor, district_supervisor
):
    order = issue(user=city_supervisor, level=SupervisionLevel.CITY)
    assert Case.objects.get(pk=case.pk).supervision_level == SupervisionLevel.CITY
    answered(order, owner)
    with pytest.raises(ValidationError, match="city-wide supervisor"):
        actions.close_order(user=district_supervisor, order=order, note="")
    actions.close_order(user=city_supervisor, order=order, note="")
    assert order.state == OrderState.CLOSED


def test_a_supervisor_of_another_district_is_refused(order, owner, case, other_district):
    stranger = make_user("qingshan.supervisor", "supervisor", other_district)
    with pytest.raises(ValidationError):
        actions.issue_order(user=stranger, case=case, level=SupervisionLevel.DISTRICT,
                            instructions="x", due_date=in_days(3))
    answered(order, owner)
    with pytest.raises(ValidationError):
        actions.close_order(user=stranger, order=order, note="")
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.ANSWERED
    assert SupervisionOrder.objects.count() == 1


def test_staff_of_another_district_cannot_touch_the_order(order, outsider):
    for step in (actions.acknowledge_order,):
        with pytest.raises(ValidationError):
            step(user=outsider, order=order)
    with pytest.raises(ValidationError):
        actions.request_extension(user=outsider, order=order, reason="x",
                                  requested_due_date=in_days(30))
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.ISSUED
    assert not ExtensionRequest.objects.exists()


def test_the_due_date_cannot_be_in_the_past(case, district_supervisor):
    with pytest.raises(ValidationError) as refused:
        actions.issue_order(user=district_supervisor, case=case,
                            level=SupervisionLevel.DISTRICT, instructions="x",
                            due_date=in_days(-1))
    assert "due_date" in refused.value.error_dict
    order = actions.issue_order(user=district_supervisor, case=case,
                                level=SupervisionLevel.DISTRICT, instructions="x",
                                due_date=TODAY)
    assert order.due_date == TODAY


def test_a_closed_case_takes_no_order(case, owner, district_supervisor):
    for name in (Transition.VERIFY, Transition.START, Transition.RESOLVE):
        case = actions.transition(user=owner, case=case, name=name, note="done")
    case = actions.transition(user=district_supervisor, case=case, name=Transition.CLOSE,
                              note="verified")
    assert case.status == Status.CLOSED
    with pytest.raises(ValidationError, match="closed case"):
        actions.issue_order(user=district_supervisor, case=case,
                            level=SupervisionLevel.DISTRICT, instructions="x",
                            due_date=in_days(3))


# ---------------------------------------------------------------- supervision level
def test_the_case_takes_the_highest_level_of_its_open_orders(
    case, issue, owner, district_supervisor, city_supervisor
):
    district_order = issue()
    city_order = issue(user=city_supervisor, level=SupervisionLevel.CITY)
    assert Case.objects.get(pk=case.pk).supervision_level == SupervisionLevel.CITY
    answered(city_order, owner)
    actions.close_order(user=city_supervisor, order=city_order, note="")
    assert Case.objects.get(pk=case.pk).supervision_level == SupervisionLevel.DISTRICT
    answered(district_order, owner)
    actions.close_order(user=district_supervisor, order=district_order, note="")
    assert Case.objects.get(pk=case.pk).supervision_level == ""


def test_closing_keeps_the_level_an_escalation_gave(case, order, owner, district_supervisor):
    Case.objects.filter(pk=case.pk).update(escalation_level=2,
                                           supervision_level=SupervisionLevel.CITY)
    answered(order, owner)
    actions.close_order(user=district_supervisor, order=order, note="")
    assert Case.objects.get(pk=case.pk).supervision_level == SupervisionLevel.CITY


# ---------------------------------------------------------------- more time
def test_more_time_granted_moves_the_due_date_and_keeps_the_original(
    case, order, owner, district_supervisor
):
    # given a request for 10 more days
    request = actions.request_extension(user=owner, order=order, reason="Payroll audit.",
                                        requested_due_date=in_days(24))
    assert request.state == ExtensionState.PENDING
    # when the supervisor grants it
    actions.decide_extension(user=district_supervisor, request=request, grant=True,
                             note="Fine.")
    # then the order is due later and still shows when it was first due
    order.refresh_from_db()
    request.refresh_from_db()
    assert order.due_date == in_days(24) and order.original_due_date == in_days(14)
    assert request.state == ExtensionState.GRANTED and request.decided_by == district_supervisor
    decided = CaseEvent.objects.get(case=case, kind=EventKind.EXTENSION_DECIDED)
    assert decided.data["due_date"] == in_days(14).isoformat()
    assert decided.data["requested_due_date"] == in_days(24).isoformat()


def test_more_time_refused_leaves_the_due_date(order, owner, district_supervisor):
    request = actions.request_extension(user=owner, order=order, reason="Busy.",
                                        requested_due_date=in_days(60))
    actions.decide_extension(user=district_supervisor, request=request, grant=False,
                             note="Not needed.")
    order.refresh_from_db()
    assert order.due_date == order.original_due_date == in_days(14)
    assert ExtensionRequest.objects.get().state == ExtensionState.REFUSED
    # and once decided, a new request may be made
    actions.request_extension(user=owner, order=order, reason="Audit found more workers.",
                              requested_due_date=in_days(21))
    assert ExtensionRequest.objects.filter(state=ExtensionState.PENDING).count() == 1


def test_a_second_pending_request_is_refused_with_a_message(order, owner, colleague):
    actions.request_extension(user=owner, order=order, reason="Audit.",
                              requested_due_date=in_days(20))
    with pytest.raises(ValidationError, match="already waiting for a decision"):
        actions.request_extension(user=colleague, order=order, reason="Me too.",
                                  requested_due_date=in_days(30))
    assert ExtensionRequest.objects.count() == 1
    assert CaseEvent.objects.filter(kind=EventKind.EXTENSION_REQUESTED).count() == 1


def test_the_requested_date_must_be_after_the_due_date(order, owner):
    with pytest.raises(ValidationError) as refused:
        actions.request_extension(user=owner, order=order, reason="x",
                                  requested_due_date=in_days(14))
    assert "requested_due_date" in refused.value.error_dict
    assert not ExtensionRequest.objects.exists()


def test_no_more_time_for_an_answered_order(order, owner):
    answered(order, owner)
    with pytest.raises(ValidationError, match="waiting for its answer"):
        actions.request_extension(user=owner, order=order, reason="x",
                                  requested_due_date=in_days(30))


def test_staff_cannot_decide_on_more_time(order, owner, colleague):
    request = actions.request_extension(user=owner, order=order, reason="x",
                                        requested_due_date=in_days(30))
    with pytest.raises(ValidationError, match="Only a supervisor"):
        actions.decide_extension(user=colleague, request=request, grant=True, note="")
    assert ExtensionRequest.objects.get().state == ExtensionState.PENDING


def test_a_request_is_decided_once(order, owner, district_supervisor):
    request = actions.request_extension(user=owner, order=order, reason="x",
                                        requested_due_date=in_days(30))
    actions.decide_extension(user=district_supervisor, request=request, grant=False, note="")
    with pytest.raises(ValidationError, match="already been decided"):
        actions.decide_extension(user=district_supervisor, request=request, grant=True,
                                 note="")
    assert SupervisionOrder.objects.get(pk=order.pk).due_date == in_days(14)


# ---------------------------------------------------------------- overdue (derived)
def test_an_unanswered_order_past_its_due_date_is_overdue(order, owner):
    assert not order.is_overdue(in_days(14))
    assert order.is_overdue(in_days(15))
    assert list(SupervisionOrder.objects.overdue(in_days(15))) == [order]
    answered(order, owner)
    assert not order.is_overdue(in_days(15))
    assert not SupervisionOrder.objects.overdue(in_days(15)).exists()


# ---------------------------------------------------------------- notices
def notices(kind):
    return list(
        Notification.objects.filter(kind=kind).order_by("user__username")
        .values_list("user__username", "key")
    )


def test_issuing_notifies_the_owner_and_district_staff_once(
    owner, colleague, outsider, district_supervisor, issue
):
    # given the owner and a colleague in the district, and staff of another district
    # when an order is issued
    order = issue()
    # then the owner (also staff of the district) and the colleague get one notice each
    key = f"order:{order.pk}:issued"
    assert notices(NoticeKind.ORDER_ISSUED) == [
        ("colleague.staff", key), ("owner.staff", key),
    ]
    notice = Notification.objects.get(user=owner, kind=NoticeKind.ORDER_ISSUED)
    assert notice.params["ref"] == order.case.reference
    assert notice.params["date"] == in_days(14).isoformat()
    assert notice.url == f"/supervision/{order.pk}/"


def test_an_inactive_colleague_gets_no_notice(case, issue, colleague):
    colleague.is_active = False
    colleague.save()
    issue()
    assert [u for u, _k in notices(NoticeKind.ORDER_ISSUED)] == ["owner.staff"]


def test_each_step_notifies_the_other_side(order, owner, district_supervisor):
    answered(order, owner)
    actions.return_order(user=district_supervisor, order=order, note="More detail.")
    answered(order, owner, text="Second answer.")
    actions.close_order(user=district_supervisor, order=order, note="")
    updates = Notification.objects.filter(kind=NoticeKind.ORDER_UPDATE).order_by("id")
    assert [(n.user.username, n.params["state"]) for n in updates] == [
        ("district.supervisor", "answered"), ("owner.staff", "sent back"),
        ("district.supervisor", "answered"), ("owner.staff", "closed"),
    ]


def test_more_time_notifies_the_issuer_then_the_requester(order, owner, district_supervisor):
    request = actions.request_extension(user=owner, order=order, reason="x",
                                        requested_due_date=in_days(30))
    actions.decide_extension(user=district_supervisor, request=request, grant=True, note="")
    got = Notification.objects.filter(kind=NoticeKind.EXTENSION).order_by("id")
    assert [(n.user.username, n.params["state"], n.params["date"]) for n in got] == [
        ("district.supervisor", "requested", in_days(30).isoformat()),
        ("owner.staff", "granted", in_days(30).isoformat()),
    ]


def test_a_notice_reads_in_the_readers_language_whoever_wrote_it(
    order, owner, district_supervisor
):
    # given a supervisor working in English who closes an order and grants more time
    with translation.override("en"):
        request = actions.request_extension(user=owner, order=order, reason="x",
                                            requested_due_date=in_days(30))
        actions.decide_extension(user=district_supervisor, request=request, grant=True,
                                 note="")
        answered(order, owner)
        actions.close_order(user=district_supervisor, order=order, note="")

    # when the owner reads the notices in Chinese
    with translation.override("zh-hans"):
        closed = render(Notification.objects.get(user=owner, kind=NoticeKind.ORDER_UPDATE))
        granted = render(Notification.objects.get(user=owner, kind=NoticeKind.EXTENSION))

    # then the state words and the dates are Chinese too
    assert "督办单已办结" in closed, closed
    user_data = (order.case.reference, order.case.title)
    assert not re.search(r"[A-Za-z]{3,}", _without(closed, user_data)), closed
    due = in_days(30)
    assert f"{due.year}年{due.month}月{due.day}日" in granted, granted
    assert not re.search(r"[A-Za-z]{3,}", _without(granted, user_data)), granted


def _without(text, parts):
    for part in parts:
        text = text.replace(part, "")
    return text
