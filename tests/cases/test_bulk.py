"""Bulk actions on the case list: one step and one note on many cases, each case changed
through the same action as on its page; skips listed with why; bad requests refused
whole, changing nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import actions
from cases.actions import bulk
from cases.choices import BulkAction, EventKind, JobKind, JobState, RiskLevel, Status, Transition
from cases.models import Case, CaseEvent, Job, SupervisionOrder
from riskdesk.access import scope_of
from riskdesk.celery import app
from riskdesk.choices import NoticeKind
from riskdesk.models import Notification

NOTE = "Checked on site during the spring round: resolved."
# What closing a batch of cases costs, however many: the lock-and-read of the batch,
# the step's savepoints and their releases (2 + 2), the conditional UPDATE, the history
# INSERT and the webhooks' subscription read (the announcement).
CLOSE_QUERIES_PER_BATCH = 8


@pytest.fixture
def resolved(make_case, owner):
    """Cases of the owner's district that await a supervisor's verification."""

    def make(count, **fields):
        made = []
        for number in range(count):
            case = make_case(title=f"Wage case {number}", **fields)
            for name in (Transition.VERIFY, Transition.START, Transition.RESOLVE):
                case = actions.transition(user=owner, case=case, name=name, note="done")
            made.append(case)
        return made

    return make


def token(case):
    case.refresh_from_db()
    return f"{case.pk}:{case.version}"


def post(client, chosen, *, confirm=True, follow=True, **fields):
    data = {"action": BulkAction.CLOSE, "note": NOTE, "cases": [token(c) for c in chosen],
            "back": "status=resolved", **fields}
    if confirm:
        data["confirm"] = "1"
    return client.post("/cases/bulk/", data, follow=follow)


def statuses(cases):
    return [Case.objects.get(pk=case.pk).status for case in cases]


def test_a_supervisor_bulk_closes_resolved_cases_with_one_note(
        client_for, district_supervisor, resolved, make_case):
    # given three cases awaiting verification and one just reported
    done, fresh = resolved(3), make_case(title="Just reported")
    client = client_for(district_supervisor)

    # when the supervisor selects all four and asks to close them
    page = post(client, [*done, fresh], confirm=False).content.decode()

    # then the confirmation lists the skipped case first, with why, and changes nothing
    assert "1 case will be skipped" in page and "3 cases" in page
    assert page.index(fresh.reference) < page.index(done[0].reference)
    assert "Does not apply to a case that is “Reported”" in page
    assert statuses(done) == [Status.RESOLVED] * 3

    # when they confirm
    response = post(client, [*done, fresh])

    # then the three are closed, each with its own history entry carrying the note
    assert statuses(done) == [Status.CLOSED] * 3 and statuses([fresh]) == [Status.REPORTED]
    assert "done on 3 cases" in response.content.decode()
    assert "1 case was skipped" in response.content.decode()
    for case in done:
        event = CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITION).latest("id")
        assert event.data["note"] == NOTE and event.user == district_supervisor
        assert NOTE in client.get(case.get_absolute_url()).content.decode()


def test_all_cases_matching_the_filter_are_closed_after_confirming_the_count(
        client_for, district_supervisor, resolved):
    done = resolved(3)
    client = client_for(district_supervisor)
    list_page = client.get("/cases/?status=resolved").content.decode()
    assert "all 3 cases matching this filter" in list_page
    shown_at = Case.objects.latest("updated_at").version + 1
    data = {"action": BulkAction.CLOSE, "note": NOTE, "all": "1", "query": "status=resolved",
            "count": "3", "shown_at": str(shown_at)}

    page = client.post("/cases/bulk/", data).content.decode()
    assert "Chosen: all 3 cases matching the filter." in page
    client.post("/cases/bulk/", {**data, "confirm": "1"})

    assert statuses(done) == [Status.CLOSED] * 3


def test_a_changed_count_of_matching_cases_is_refused(
        client_for, district_supervisor, resolved):
    done = resolved(2)
    data = {"action": BulkAction.CLOSE, "note": NOTE, "all": "1", "query": "status=resolved",
            "count": "3", "confirm": "1",
            "shown_at": str(Case.objects.latest("updated_at").version + 1)}
    page = client_for(district_supervisor).post("/cases/bulk/", data, follow=True)
    assert "2 cases match this filter now, not the 3 shown" in page.content.decode()
    assert statuses(done) == [Status.RESOLVED] * 2


def test_a_foreign_case_in_the_selection_refuses_everything(
        client_for, district_supervisor, resolved, foreign_case):
    done = resolved(2)
    page = post(client_for(district_supervisor), [*done, foreign_case]).content.decode()
    assert "1 selected case does not exist or is not yours to see" in page
    assert statuses(done) == [Status.RESOLVED] * 2
    assert foreign_case.reference not in page


def test_a_case_changed_since_the_list_was_shown_refuses_everything(
        client_for, district_supervisor, resolved, owner):
    done = resolved(2)
    tokens = [token(case) for case in done]
    actions.transition(user=district_supervisor, case=done[1], name=Transition.RETURN,
                       note="not yet")
    page = client_for(district_supervisor).post("/cases/bulk/", {
        "action": BulkAction.CLOSE, "note": NOTE, "cases": tokens, "confirm": "1",
    }, follow=True).content.decode()
    assert f"1 case changed since the list was shown: {done[1].reference}" in page
    assert statuses(done) == [Status.RESOLVED, Status.IN_RESOLUTION]


@pytest.mark.parametrize(("fields", "message"), [
    ({"note": ""}, "Write a note: it is recorded on each case."),
    ({"action": "delete"}, "Unknown bulk action: nothing was changed."),
    ({"cases": ["12:x"]}, "The selection was not understood"),
    ({"cases": []}, "Select at least one case"),
])
def test_bad_requests_are_refused_and_change_nothing(
        client_for, district_supervisor, resolved, fields, message):
    done = resolved(2)
    page = post(client_for(district_supervisor), done, **fields).content.decode()
    assert message in page
    assert statuses(done) == [Status.RESOLVED] * 2
    assert not CaseEvent.objects.filter(data__note=NOTE).exists()


def test_one_refusal_while_applying_undoes_every_batch(
        client_for, district_supervisor, resolved, monkeypatch):
    """Three batches of one: the first two closed, the third refused: all undone."""
    done = resolved(3)
    real = bulk.transition_many

    def refuse_the_last(*, cases, **kwargs):
        if done[-1].pk in {case.pk for case in cases}:
            from django.core.exceptions import ValidationError
            raise ValidationError("Refused for the test.")
        return real(cases=cases, **kwargs)

    monkeypatch.setattr(bulk, "BATCH", 1)
    monkeypatch.setattr(bulk, "transition_many", refuse_the_last)
    page = post(client_for(district_supervisor), done).content.decode()
    assert "Refused for the test. Nothing was changed." in page
    assert statuses(done) == [Status.RESOLVED] * 3
    assert not CaseEvent.objects.filter(data__note=NOTE).exists()


def test_a_background_job_skips_only_the_refused_case(
        district_supervisor, resolved, monkeypatch):
    """Batch by batch (a job), a refusal of the batch's step skips only its own case."""
    done = resolved(3)
    real = actions.transition

    def refuse_the_last(*, case, **kwargs):
        if case.pk == done[-1].pk:
            from django.core.exceptions import ValidationError
            raise ValidationError("Refused for the test.")
        return real(case=case, **kwargs)

    def refuse_together(**kwargs):
        from django.core.exceptions import ValidationError
        raise ValidationError("The batch is refused.")

    monkeypatch.setattr(bulk, "transition_many", refuse_together)
    monkeypatch.setattr(bulk, "transition", refuse_the_last)
    selection = bulk.Selection(versions={case.pk: Case.objects.get(pk=case.pk).version
                                         for case in done})
    finished, skipped = bulk.run_in_batches(
        district_supervisor, bulk.Bulk(action=BulkAction.CLOSE, note=NOTE),
        [case.pk for case in done], selection)
    assert finished == [case.reference for case in done[:2]]
    assert skipped == [(done[-1].reference, "Refused for the test.")]
    assert statuses(done) == [Status.CLOSED, Status.CLOSED, Status.RESOLVED]


def test_staff_cannot_bulk_issue_orders(client_for, owner, make_case):
    cases = [make_case(), make_case()]
    page = post(client_for(owner), cases, action=BulkAction.ISSUE_ORDER,
                instructions="Pay the wages.", level="district",
                due_date=(timezone.localdate() + timedelta(days=7)).isoformat(),
                confirm=False).content.decode()
    assert "2 cases will be skipped" in page
    assert "Only a supervisor of the case&#x27;s district can issue a supervision order." in page
    assert "Confirm and apply" not in page and not SupervisionOrder.objects.exists()


def test_a_supervisor_bulk_issues_orders_one_per_case(
        client_for, district_supervisor, make_case, owner):
    cases = [make_case(), make_case()]
    due = timezone.localdate() + timedelta(days=7)
    post(client_for(district_supervisor), cases, action=BulkAction.ISSUE_ORDER,
         instructions="Pay the wages.", level="district", due_date=due.isoformat())
    orders = SupervisionOrder.objects.order_by("case_id")
    assert [order.case_id for order in orders] == [case.pk for case in cases]
    assert {(order.instructions, order.due_date) for order in orders} == {
        ("Pay the wages.", due)}
    assert Notification.objects.filter(user=owner, kind=NoticeKind.ORDER_ISSUED).count() == 2
    for case in cases:
        event = CaseEvent.objects.get(case=case, kind=EventKind.ORDER_ISSUED)
        assert event.data["note"] == NOTE


def test_staff_bulk_change_the_risk_level_each_recorded_with_the_note(
        client_for, owner, make_case):
    low, already = make_case(risk_level=RiskLevel.HIGH), make_case(risk_level=RiskLevel.LOW)
    post(client_for(owner), [low, already], action=BulkAction.RISK_LEVEL,
         risk_level=RiskLevel.LOW)
    event = CaseEvent.objects.get(case=low, kind=EventKind.EDITED)
    assert event.data["note"] == NOTE and event.data["changes"]["risk_level"][1] == "low"
    assert not CaseEvent.objects.filter(case=already, kind=EventKind.EDITED).exists()


def test_staff_may_not_close_cases_in_bulk(client_for, owner, resolved):
    done = resolved(1)
    page = post(client_for(owner), done, confirm=False).content.decode()
    assert "Only a supervisor of the case&#x27;s district can do this" in page
    assert "Confirm and apply" not in page


def test_the_bulk_page_rejects_get(client_for, district_supervisor):
    assert client_for(district_supervisor).get("/cases/bulk/").status_code == 405


def test_more_cases_than_one_transaction_takes_go_to_a_background_job(
        client_for, district_supervisor, resolved, monkeypatch,
        django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(bulk, "INLINE_CASES", 2)
    done = resolved(3)
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client_for(district_supervisor), done, follow=False)
    finally:
        app.conf.task_always_eager = before
    job = Job.objects.get(kind=JobKind.BULK)
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.state, job.rows) == (JobState.DONE, 3)
    assert statuses(done) == [Status.CLOSED] * 3
    page = client_for(district_supervisor).get(job.get_absolute_url()).content.decode()
    assert "Done on 3 cases" in page


def test_the_list_offers_bulk_actions_with_labelled_checkboxes(
        client_for, district_supervisor, resolved):
    done = resolved(2)
    page = client_for(district_supervisor).get("/cases/").content.decode()
    assert f'value="{token(done[0])}"' in page and "Select all on this page" in page
    assert f"Select {done[0].reference}" in page and 'role="status"' in page
    assert "<script>" not in page


def test_bulk_close_costs_queries_per_batch_not_per_case(
        district_supervisor, resolved, django_assert_max_num_queries, monkeypatch):
    """Reading, checking and closing take the same queries for 1 case as for a batch of
    20; only more batches cost more."""
    done = resolved(40)
    scope_of(district_supervisor)  # read with the user on every request

    def close(cases):
        ids = [case.pk for case in cases]
        selection = bulk.Selection(versions={case.pk: Case.objects.get(pk=case.pk).version
                                             for case in cases})
        plan_bulk = bulk.Bulk(action=BulkAction.CLOSE, note=NOTE)
        batches = -(-len(ids) // bulk.BATCH)
        with django_assert_max_num_queries(batches):
            bulk.selected_ids(district_supervisor, selection)
        with django_assert_max_num_queries(batches):
            assert len(bulk.plan(district_supervisor, plan_bulk, ids).cases) == len(ids)
        # run_inline's savepoint and its release, then each batch's own
        with django_assert_max_num_queries(2 + batches * CLOSE_QUERIES_PER_BATCH):
            bulk.run_inline(district_supervisor, plan_bulk, ids, selection)

    close(done[:1])
    close(done[1:21])
    monkeypatch.setattr(bulk, "BATCH", 10)
    close(done[21:40])  # two batches
    assert statuses(done) == [Status.CLOSED] * 40
    assert CaseEvent.objects.filter(data__note=NOTE, kind=EventKind.TRANSITION).count() == 40
