"""The case pages as staff and supervisors use them."""

import datetime

import pytest
import time_machine
from django.db import connection

from cases.choices import CategoryKind, EventKind, RiskLevel, Status
from cases.models import Case, CaseEvent, WageArrearsDetails


def form_data(categories, district, owner, **overrides):
    data = {
        "title": "Hengda site owes 120 workers",
        "description": "Subcontractor left; workers petitioned.",
        "category": categories[CategoryKind.WAGE_ARREARS].pk,
        "district": district.pk,
        "address": "Kundulun, Steel Street 8",
        "risk_level": RiskLevel.HIGH,
        "source": "petition",
        "responsible_unit": "District Human Resources Bureau",
        "lead_official": "Deputy Head Zhao",
        "owner": owner.pk,
        "target_date": "2026-12-31",
        "people_affected": "120",
        "people_helped": "0",
        "amount_involved": "2400000.00",
        "amount_recovered": "0",
        "wa-employer": "Hengda Construction",
        "wa-project": "Steel Street housing",
        "wa-petition_number": "XF-2026-0107",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- register
def test_staff_registers_a_wage_arrears_case_with_its_details(
    client_for, owner, categories, district
):
    client = client_for(owner)
    response = client.post("/cases/new/", form_data(categories, district, owner))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.reference}/"
    assert case.status == Status.REPORTED and case.created_by == owner
    assert WageArrearsDetails.objects.get(case=case).employer == "Hengda Construction"
    page = client.get(response["Location"]).content.decode()
    assert "Hengda Construction" in page and "Workers affected" in page
    assert "Registered the case." in page


def test_a_staff_members_district_is_fixed_to_their_own(
    client_for, owner, categories, district, other_district
):
    data = form_data(categories, district, owner)
    data["district"] = other_district.pk
    client_for(owner).post("/cases/new/", data)
    assert Case.objects.get().district == district


def test_missing_fields_and_bad_figures_are_named_and_nothing_is_saved(
    client_for, owner, categories, district
):
    data = form_data(categories, district, owner, title="", people_affected="-5",
                     target_date="31/12/2026")
    response = client_for(owner).post("/cases/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"title", "people_affected", "target_date"}
    assert response.context["form"]["address"].value() == "Kundulun, Steel Street 8"
    assert not Case.objects.exists()


def test_helped_more_than_affected_is_refused_next_to_the_field(
    client_for, owner, categories, district
):
    data = form_data(categories, district, owner, people_affected="10", people_helped="11",
                     amount_involved="5", amount_recovered="6")
    response = client_for(owner).post("/cases/new/", data)
    assert response.status_code == 200
    assert not Case.objects.exists()
    page = response.content.decode()
    assert "cannot be more than" in page


def test_wage_details_need_an_employer(client_for, owner, categories, district):
    response = client_for(owner).post(
        "/cases/new/", form_data(categories, district, owner, **{"wa-employer": ""})
    )
    assert response.status_code == 200
    assert response.context["details_forms"][CategoryKind.WAGE_ARREARS].errors
    assert not Case.objects.exists()


def test_script_in_a_description_is_shown_escaped(client_for, owner, categories, district):
    client = client_for(owner)
    client.post("/cases/new/", form_data(
        categories, district, owner, description="<script>alert('x')</script>"))
    page = client.get(Case.objects.get().get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_an_administrator_reads_but_does_not_register(client_for, admin_user):
    assert client_for(admin_user).get("/cases/new/").status_code == 403


# ---------------------------------------------------------------- edit
def test_editing_records_old_and_new_on_the_timeline(client_for, owner, case, categories):
    client = client_for(owner)
    data = form_data(categories, case.district, owner, title="Now 95 workers",
                     people_affected="95")
    response = client.post(f"/cases/{case.reference}/edit/", data)
    assert response.status_code == 302
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Now 95 workers" in page
    assert "<del>80</del>" in page and "<ins>95</ins>" in page


# ---------------------------------------------------------------- transitions through pages
def test_a_transition_through_the_page(client_for, owner, case):
    client = client_for(owner)
    response = client.post(f"/cases/{case.reference}/status/verify/", {"note": "Checked on site"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.VERIFIED
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Checked on site" in page


def test_a_transition_without_a_note_changes_nothing(client_for, owner, case):
    client_for(owner).post(f"/cases/{case.reference}/status/verify/", {"note": ""})
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_the_page_offers_only_the_steps_this_user_may_take(
    client_for, owner, case, district_supervisor
):
    page = client_for(owner).get(case.get_absolute_url()).content.decode()
    assert "/status/verify/" in page and "/status/close/" not in page


@pytest.mark.parametrize("path", ["status/verify/", "attachments/"])
def test_post_actions_reject_get(client_for, owner, case, path):
    assert client_for(owner).get(f"/cases/{case.reference}/{path}").status_code == 405


# ---------------------------------------------------------------- follow-up page
def test_logging_a_follow_up_with_an_attachment(client_for, owner, case, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_for(owner)
    with time_machine.travel("2026-06-10 09:00 +0800"):
        response = client.post(f"/cases/{case.reference}/follow-ups/new/", {
            "date": "2026-06-10", "method": "site_visit", "summary": "Paid 40 workers on site",
            "people_helped_added": "40", "amount_recovered_added": "800000",
            "files": [SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt")],
        })
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.people_helped == 40
    assert case.next_follow_up_due == datetime.date(2026, 6, 24)
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ATTACHMENT).count() == 1
    page = client.get(case.get_absolute_url()).content.decode()
    assert "receipt.pdf" in page and "Paid 40 workers" in page


def test_a_bad_attachment_keeps_the_typed_follow_up_and_saves_nothing(
    client_for, owner, case, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    response = client_for(owner).post(f"/cases/{case.reference}/follow-ups/new/", {
        "date": "2026-06-10", "method": "call", "summary": "Called the employer",
        "files": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")],
    })
    assert response.status_code == 200
    assert "not really a PDF" in response.content.decode()
    assert response.context["form"]["summary"].value() == "Called the employer"
    assert not case.follow_ups.exists()


# ---------------------------------------------------------------- scope
@pytest.mark.parametrize("suffix", ["", "edit/", "follow-ups/new/"])
def test_outsider_gets_404_on_another_districts_case(client_for, outsider, case, suffix):
    response = client_for(outsider).get(f"/cases/{case.reference}/{suffix}")
    assert response.status_code == 404


def test_outsider_cannot_change_another_districts_case(client_for, outsider, case):
    client = client_for(outsider)
    assert client.post(f"/cases/{case.reference}/status/verify/",
                       {"note": "x"}).status_code == 404
    assert client.post(f"/cases/{case.reference}/edit/", {"title": "x"}).status_code == 404
    case.refresh_from_db()
    assert case.status == Status.REPORTED and case.title.startswith("Subcontractor")


def test_the_list_leaves_out_other_districts(client_for, owner, case, foreign_case):
    page = client_for(owner).get("/cases/").content.decode()
    assert case.reference in page and foreign_case.reference not in page


def test_filtering_by_another_district_shows_nothing_of_it(
    client_for, owner, case, foreign_case, other_district
):
    response = client_for(owner).get(f"/cases/?district={other_district.pk}")
    assert foreign_case.reference not in response.content.decode()


def test_the_export_leaves_out_other_districts_even_when_asked_for_them(
    client_for, owner, case, foreign_case, other_district
):
    response = client_for(owner).get(f"/cases/export.csv?district={other_district.pk}")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert foreign_case.reference not in body


def test_city_supervisor_sees_both(client_for, city_supervisor, case, foreign_case):
    page = client_for(city_supervisor).get("/cases/").content.decode()
    assert case.reference in page and foreign_case.reference in page


# ---------------------------------------------------------------- list
def test_filters_search_and_status_counts(client_for, city_supervisor, make_case, owner):
    make_case(title="Milan Spring owners petition")
    make_case(title="Other problem", risk_level=RiskLevel.LOW)
    client = client_for(city_supervisor)
    page = client.get("/cases/?q=milan").content.decode()
    assert "Milan Spring owners petition" in page and "Other problem" not in page
    response = client.get("/cases/?risk_level=low")
    assert [c.title for c in response.context["page"].object_list] == ["Other problem"]
    counts = {value: n for value, _label, n, _query in response.context["status_counts"]}
    assert counts["reported"] == 1


def test_overdue_filter(client_for, owner, make_case):
    with time_machine.travel("2026-01-01 09:00 +0800"):
        late = make_case(title="Late one", risk_level=RiskLevel.MAJOR)
    with time_machine.travel("2026-01-20 09:00 +0800"):
        make_case(title="Fresh one")
        response = client_for(owner).get("/cases/?follow_up_overdue=true")
    assert [c.reference for c in response.context["page"].object_list] == [late.reference]


def test_wrong_filter_values_are_ignored_not_a_server_error(client_for, owner, case):
    response = client_for(owner).get(
        "/cases/?created_after=notadate&owner=abc&status=bogus&page=x&per_page=huge&o=nope"
        "&q=%27%3B+DROP+TABLE+cases_case%3B--"
    )
    assert response.status_code == 200
    assert Case.objects.count() == 1


def test_my_cases_shortcut(client_for, owner, colleague, make_case):
    mine = make_case(title="Mine")
    make_case(title="Colleague's", owner=colleague)
    response = client_for(owner).get("/cases/?mine=on")
    assert [c.reference for c in response.context["page"].object_list] == [mine.reference]


# The list and the case page: 8 queries on PostgreSQL (the user with their scope and inbox
# count in one); SQLite reads the user's districts in one more.
PAGE_QUERIES = 8 if connection.vendor == "postgresql" else 9
# The case page reads its links (to and from other cases) in one more.
CASE_PAGE_QUERIES = PAGE_QUERIES + 1
# The list reads two more: the user's list setting (default view, columns) and the saved
# views they may open.
LIST_QUERIES = PAGE_QUERIES + 2


def test_the_list_query_count_is_the_same_at_10_and_100_rows(
    client_for, city_supervisor, make_case, django_assert_max_num_queries
):
    # given a city supervisor whose session already holds the list's filters
    client = client_for(city_supervisor)
    counts = {}
    for rows in (10, 100):
        for number in range(rows - Case.objects.count()):
            make_case(title=f"Case {number}")
        client.get("/cases/?per_page=100")

        # when they open a page of 10, then of 100 cases
        with django_assert_max_num_queries(LIST_QUERIES) as captured:
            response = client.get("/cases/?per_page=100")

        # then it takes the same few queries
        assert len(response.context["page"].object_list) == rows
        counts[rows] = len(captured.captured_queries)
    assert counts[10] == counts[100]


def test_the_detail_query_count_does_not_grow_with_the_history(
    client_for, owner, case, django_assert_max_num_queries
):
    from cases import actions

    for number in range(15):
        edited = Case.objects.get(pk=case.pk)
        edited.title = f"Edit {number}"
        actions.update_case(user=owner, case=edited)
    client = client_for(owner)
    client.get(case.get_absolute_url())
    with django_assert_max_num_queries(CASE_PAGE_QUERIES):
        response = client.get(case.get_absolute_url())
    assert response.status_code == 200


# ---------------------------------------------------------------- import page
def test_the_import_page_lists_each_wrong_row_and_imports_nothing(client_for, owner, categories):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv_text = (
        "source_reference,title,category,district,risk_level,people_affected\n"
        "INV-1,Good row,wage-arrears,kundulun,high,10\n"
        "INV-2,Bad row,wage-arrears,atlantis,high,-3\n"
    )
    response = client_for(owner).post("/cases/import/", {
        "file": SimpleUploadedFile("list.csv", csv_text.encode())})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page and "atlantis" in page
    assert not Case.objects.exists()


def test_the_import_page_imports_a_good_file(client_for, owner, categories):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv_text = (
        "source_reference,title,category,district,risk_level,people_affected\n"
        "INV-1,Good row,wage-arrears,kundulun,high,10\n"
    )
    client = client_for(owner)
    response = client.post("/cases/import/", {
        "file": SimpleUploadedFile("list.csv", csv_text.encode())}, follow=True)
    assert "1 case imported." in response.content.decode()
    assert Case.objects.get().source_reference == "INV-1"


def test_the_import_templates_download(client_for, owner):
    client = client_for(owner)
    assert client.get("/cases/import/template.csv")["Content-Type"].startswith("text/csv")
    assert client.get("/cases/import/template.xlsx").status_code == 200


def test_an_outsider_cannot_import_into_another_district(client_for, outsider, categories):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv_text = (
        "source_reference,title,category,district,risk_level\n"
        "INV-9,Sneaky,wage-arrears,kundulun,high\n"
    )
    response = client_for(outsider).post("/cases/import/", {
        "file": SimpleUploadedFile("list.csv", csv_text.encode())})
    assert response.status_code == 200
    assert not Case.objects.exists()
