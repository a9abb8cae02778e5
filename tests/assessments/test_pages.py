"""The decision, agency and training pages as each role uses them."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.choices import (
    AgencyStatus,
    AssessmentStatus,
    DecisionEventKind,
    DecisionLevel,
    DecisionStatus,
)
from assessments.models import Agency, Decision, DecisionEvent, Training
from tests.assessments.conftest import make_assessor

PDF = b"%PDF-1.4\n%demo report\n"


def pdf(name="report.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# ---------------------------------------------------------------- scoping
def test_outsider_staff_gets_404_on_another_districts_decision(client_for, outsider, decision):
    client = client_for(outsider)
    assert client.get(f"/decisions/{decision.pk}/").status_code == 404
    assert client.post(f"/decisions/{decision.pk}/withdraw/",
                       {"withdraw-note": "x"}).status_code == 404
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.REGISTERED


def test_district_staff_see_their_district_and_city_decisions(
    client_for, outsider, make_decision, city_supervisor, city_department
):
    city = make_decision(user=city_supervisor, level=DecisionLevel.CITY, district=None,
                         department=city_department, title="Taxi fare adjustment")
    mine = make_decision(title="Kundulun renovation")
    response = client_for(outsider).get("/decisions/")
    titles = [d.title for d in response.context["page"].object_list]
    assert titles == [city.title]
    assert client_for(outsider).get(f"/decisions/{city.pk}/").status_code == 200
    assert mine.title not in response.content.decode()


def test_an_assessor_sees_only_their_agencys_assignments(client_for, assessment, assessor,
                                                         other_assessor, make_decision):
    make_decision(title="Not assigned to anyone")
    client = client_for(assessor)
    titles = [d.title for d in client.get("/decisions/").context["page"].object_list]
    assert titles == [assessment.decision.title]
    assert client.get(f"/decisions/{assessment.decision.pk}/").status_code == 200
    other = client_for(other_assessor)
    assert other.get(f"/decisions/{assessment.decision.pk}/").status_code == 404
    assert other.post(f"/decisions/{assessment.decision.pk}/assessment/risks/", {
        "description": "x", "likelihood": 1, "impact": 1}).status_code == 404
    assert not assessment.risks.exists()


def test_an_assessor_sees_only_their_own_agency_in_the_registry(client_for, assessor, agency,
                                                                 other_agency):
    client = client_for(assessor)
    assert client.get(f"/agencies/{other_agency.pk}/").status_code == 404
    assert client.get(f"/agencies/{agency.pk}/").status_code == 200


def test_district_staff_cannot_see_the_registry(client_for, owner, agency):
    assert client_for(owner).get("/agencies/").status_code == 404
    assert client_for(owner).get(f"/agencies/{agency.pk}/").status_code == 404


@pytest.mark.parametrize("path", ["/decisions/", "/agencies/", "/trainings/"])
def test_post_actions_reject_get(client_for, admin_user, decision, agency, path):
    client = client_for(admin_user)
    assert client.get(f"/decisions/{decision.pk}/withdraw/").status_code == 405
    assert client.get(f"/agencies/{agency.pk}/step/review/").status_code == 405
    assert client.get(path).status_code == 200


# ---------------------------------------------------------------- query counts
def test_decision_list_query_count_is_pinned(client_for, city_supervisor, make_decision,
                                             django_assert_max_num_queries, agency, owner):
    for n in range(12):
        make_decision(title=f"Decision {n}")
    client = client_for(city_supervisor)
    client.get("/decisions/")
    with django_assert_max_num_queries(12):
        response = client.get("/decisions/?status=registered&year=2026")
    assert response.context["page"].paginator.count == 12


def test_agency_list_query_count_is_pinned(client_for, admin_user, django_assert_max_num_queries):
    from assessments.creditcode import check_character
    from tests.assessments.conftest import make_agency

    for n in range(10):
        base = f"9115020000000{n:04d}"
        make_agency(base + check_character(base), name=f"Agency {n}")
    client = client_for(admin_user)
    client.get("/agencies/")
    with django_assert_max_num_queries(12):
        response = client.get("/agencies/?status=approved&expiring_within=400")
    assert response.context["page"].paginator.count == 10


# ---------------------------------------------------------------- the public form
def test_an_agency_applies_without_signing_in(client, application, mailoutbox, eager_tasks,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/agencies/apply/", {**application, "documents": pdf("licence.pdf")})
    assert response.status_code == 200
    agency = Agency.objects.get()
    assert agency.credit_code == "91350100M000100Y43" and agency.status == AgencyStatus.SUBMITTED
    assert agency.reference and agency.reference in response.content.decode()
    assert len(mailoutbox) == 1 and agency.reference in mailoutbox[0].subject
    assert sorted(agency.scope_types()) == ["event", "price"]
    assert agency.experts.count() == 2 and agency.documents.count() == 1
    assert agency.related_departments.count() == 1


def test_a_second_application_with_the_same_code_is_refused(client, application):
    client.post("/agencies/apply/", application)
    response = client.post("/agencies/apply/", {**application, "name": "Copycat"})
    assert response.status_code == 200
    assert "already submitted" in str(response.context["form"].errors["credit_code"])
    assert Agency.objects.count() == 1


@pytest.mark.parametrize("overrides,field", [
    ({"credit_code": "91350100M000100Y44"}, "credit_code"),
    ({"credit_code": "913501"}, "credit_code"),
    ({"contact_email": "not-an-email"}, "contact_email"),
    ({"scope": ["nonsense"]}, "scope"),
    ({"experts": "Only a name"}, "experts"),
    ({"name": ""}, "name"),
])
def test_bad_input_is_named_and_nothing_is_saved(client, application, overrides, field):
    response = client.post("/agencies/apply/", {**application, **overrides})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Agency.objects.exists()


def test_a_disguised_document_is_refused(client, application):
    fake = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 not a pdf",
                              content_type="application/pdf")
    response = client.post("/agencies/apply/", {**application, "documents": fake})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Agency.objects.exists()


def test_the_form_is_throttled_per_address(client, application, settings):
    settings.AGENCY_APPLICATIONS_PER_HOUR = 2
    for _n in range(2):
        client.post("/agencies/apply/", {**application, "credit_code": ""})
    response = client.post("/agencies/apply/", application)
    assert response.status_code == 429
    assert "Too many applications" in response.content.decode()
    assert not Agency.objects.exists()


def test_garbage_posts_do_not_break_the_form(client, application):
    response = client.post("/agencies/apply/", {"credit_code": "\x00" * 30, "scope": "x" * 500})
    assert response.status_code == 200


# ---------------------------------------------------------------- the whole story
def test_done_when_story_through_the_browser(
    client, application, admin_user, owner, district_supervisor, department, make_case
):
    # an agency applies through the public form
    client.post("/agencies/apply/", {**application, "scope": ["renewal"], "departments": []})
    agency = Agency.objects.get()
    # an admin approves it
    client.force_login(admin_user)
    client.post(f"/agencies/{agency.pk}/step/review/", {"review-note": "Documents complete"})
    valid = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
    client.post(f"/agencies/{agency.pk}/step/approve/",
                {"approve-note": "OK", "approve-valid_until": valid})
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.APPROVED
    assessor = make_assessor("centre.assessor", agency)
    # a department registers a decision and assigns the agency
    client.force_login(owner)
    response = client.post("/decisions/new/", {
        "title": "Sandwich housing renovation", "department": department.pk,
        "level": "district", "district": owner.membership.districts.get().pk,
        "decision_type": "renewal", "planned_date": "2026-12-01", "key_sensitive": "on"})
    decision = Decision.objects.get()
    assert response["Location"] == f"/decisions/{decision.pk}/"
    client.post(f"/decisions/{decision.pk}/assessment/start/",
                {"assessor_kind": "agency", "agency": agency.pk})
    # the agency records the three mechanisms and concludes
    client.force_login(assessor)
    base = f"/decisions/{decision.pk}/assessment"
    client.post(f"{base}/notice/", {"channel": "website", "starts_on": "2026-01-05",
                                    "ends_on": "2026-01-15", "comments_received": "12"})
    client.post(f"{base}/risks/", {"description": "Relocation refused", "likelihood": "4",
                                   "impact": "3", "mitigation": "Subsidy"})
    client.post(f"{base}/expert-review/", {"experts": "Prof. Zhang", "held_on": "2026-01-20",
                                           "opinion": "Feasible"})
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "riskmatrix" in page
    client.post(f"{base}/conclude/", {"grade": "medium", "recommendation": "mitigate",
                                      "mitigation": "Subsidy and hotline", "report": pdf()})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.ASSESSED
    assert decision.assessment.status == AssessmentStatus.CONCLUDED
    assert client.get(f"{base}/report/download/").status_code == 200
    # a supervisor scores it
    client.force_login(district_supervisor)
    client.post(f"{base}/score/", {"quality_score": "5", "comment": "Thorough"})
    # the decision is marked decided and implemented
    client.force_login(owner)
    client.post(f"/decisions/{decision.pk}/decided/", {"decided_on": "2026-01-25"})
    client.post(f"/decisions/{decision.pk}/outcome/", {"implemented": "yes"})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.IMPLEMENTED
    assert decision.assessment.quality_score == 5
    kinds = set(DecisionEvent.objects.filter(decision=decision).values_list("kind", flat=True))
    assert {DecisionEventKind.CREATED, DecisionEventKind.ASSESSMENT_STARTED,
            DecisionEventKind.NOTICE, DecisionEventKind.RISK, DecisionEventKind.EXPERT_REVIEW,
            DecisionEventKind.CONCLUDED, DecisionEventKind.SCORED, DecisionEventKind.DECIDED,
            DecisionEventKind.OUTCOME} <= kinds
    assert agency.events.count() == 4  # submitted, review, approve, scored
    client.force_login(admin_user)
    assert "Thorough" in client.get(f"/agencies/{agency.pk}/").content.decode()


def test_a_refused_step_shows_why(client_for, owner, assessment):
    client = client_for(owner)
    response = client.post(f"/decisions/{assessment.decision.pk}/decided/",
                           {"decided_on": "2026-01-25"}, follow=True)
    assert "before its assessment is concluded" in response.content.decode()


def test_trainings_page_lists_sessions(client_for, owner):
    Training.objects.create(date=datetime.date(2023, 3, 16), topic="Risk analysis", trainer="X")
    response = client_for(owner).get("/trainings/")
    assert "Risk analysis" in response.content.decode()


def test_decision_page_shows_everything_for_admin(client_for, admin_user, recorded):
    response = client_for(admin_user).get(f"/decisions/{recorded.decision.pk}/")
    assert response.status_code == 200
    assert "Residents refuse temporary relocation" in response.content.decode()


def test_seed_demo_is_idempotent(db, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = (Agency.objects.count(), Decision.objects.count(), Training.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (3, 3, 8)
    assert (Agency.objects.count(), Decision.objects.count(), Training.objects.count()) == counts
    statuses = set(Agency.objects.values_list("status", flat=True))
    assert statuses == {"approved", "under_review", "suspended"}
    assert set(Decision.objects.values_list("status", flat=True)) == {"implemented"}


def test_agency_page_shows_status_history_with_labels(client_for, admin_user):
    from assessments import actions
    from tests.assessments.conftest import make_agency

    agency = make_agency("91110000802100433B", status=AgencyStatus.SUBMITTED, valid_days=None)
    actions.agency_step(user=admin_user, agency=agency, step="review", note="Docs in")
    page = client_for(admin_user).get(f"/agencies/{agency.pk}/").content.decode()
    assert "Submitted → Under review" in page and "Docs in" in page


def test_admin_records_a_training_with_attendees(client_for, admin_user, agency, district):
    response = client_for(admin_user).post("/trainings/new/", {
        "date": "2023-03-16", "topic": "Risk analysis", "trainer": "City committee",
        "attendees": f"Sun Ping, {agency.credit_code.lower()}\nLi Wei, kundulun"})
    assert response.status_code == 302
    training = Training.objects.get()
    assert {(a.name, a.agency_id, a.district_id) for a in training.attendees.all()} == {
        ("Sun Ping", agency.pk, None), ("Li Wei", None, district.pk)}


def test_a_training_with_an_unknown_code_is_refused_whole(client_for, admin_user, district):
    response = client_for(admin_user).post("/trainings/new/", {
        "date": "2023-03-16", "topic": "Risk analysis", "trainer": "City committee",
        "attendees": "Li Wei, kundulun\nNobody, atlantis"})
    assert response.status_code == 200
    assert "atlantis" in str(response.context["form"].errors["attendees"])
    assert not Training.objects.exists()


def test_only_admins_record_trainings(client_for, city_supervisor):
    assert client_for(city_supervisor).get("/trainings/new/").status_code == 404


@pytest.mark.parametrize("query", ["year=abc", "status=nonsense", "district=x&grade=zz",
                                   "level=moon&key_sensitive=maybe", "page=-1&per_page=x"])
def test_bad_filters_never_break_the_decision_list(client_for, city_supervisor, query):
    assert client_for(city_supervisor).get(f"/decisions/?{query}").status_code == 200


@pytest.mark.parametrize("query", ["expiring_within=-5", "expiring_within=abc",
                                   "status=zzz&scope=qq", "expiring_within=99999999999"])
def test_bad_filters_never_break_the_registry(client_for, admin_user, query):
    assert client_for(admin_user).get(f"/agencies/?{query}").status_code == 200


def test_garbage_posts_to_every_action_are_refused_without_error(client_for, recorded, assessor,
                                                                 owner, admin_user, agency):
    garbage = {"likelihood": "9", "impact": "x", "grade": "worst", "starts_on": "31/31/2026",
               "assessor_kind": "martian", "agency": "abc", "quality_score": "11",
               "decided_on": "tomorrow", "implemented": "perhaps", "reference": "x" * 500,
               "valid_until": "never", "red_line": "0", "occurred_on": "2999-01-01"}
    pk = recorded.decision.pk
    for user in (assessor, owner, admin_user):
        client = client_for(user)
        for suffix in ["assessment/start/", "assessment/agency/", "assessment/notice/",
                       "assessment/risks/", "assessment/expert-review/", "assessment/survey/",
                       "assessment/report/", "assessment/conclude/", "assessment/score/",
                       "decided/", "outcome/", "cases/", "withdraw/", "comment/"]:
            assert client.post(f"/decisions/{pk}/{suffix}", garbage).status_code in (302, 404)
    client = client_for(admin_user)
    for step in ["approve", "renew", "nonsense", "suspend"]:
        # refused: the page again with the step's form (400), or back to it (302)
        assert client.post(f"/agencies/{agency.pk}/step/{step}/", garbage).status_code in (
            302, 400)
    assert client.post(f"/agencies/{agency.pk}/violations/", garbage).status_code == 302
    recorded.refresh_from_db()
    agency.refresh_from_db()
    assert recorded.status == AssessmentStatus.IN_PROGRESS and recorded.risks.count() == 1
    assert agency.status == AgencyStatus.APPROVED


def test_the_cases_a_decision_caused_are_shown_only_to_those_who_may_see_them(
        client_for, recorded, assessor, owner, district_supervisor, make_case):
    from assessments import actions as decision_actions
    from assessments.choices import Grade, Recommendation

    # given a decided decision that caused a Kundulun case
    decision_actions.conclude(user=assessor, assessment=recorded, grade=Grade.LOW,
                              recommendation=Recommendation.PROCEED)
    decision = decision_actions.mark_decided(user=owner, decision=recorded.decision)
    case = make_case(title="Protest at the quarry gate")
    decision_actions.link_case(user=owner, decision=decision, reference=case.reference)

    # then the district's supervisor sees it, the decision's assessor only that there is one
    # (its reference stays in the decision's history, as for a case one may not see)
    page = client_for(district_supervisor).get(f"/decisions/{decision.pk}/").content.decode()
    assert case.reference in page and "Protest at the quarry gate" in page
    page = client_for(assessor).get(f"/decisions/{decision.pk}/").content.decode()
    assert "Protest at the quarry gate" not in page
    assert f'href="/cases/{case.reference}/"' not in page
    assert "and 1 case outside your districts" in page
