"""An import lists the likely duplicates of the cases it created, as registration does:
nothing is blocked, another district's case is named by district and reference only."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import jobs
from cases.imports import import_cases
from cases.models import Case, Job, WageArrearsDetails
from tests.cases.test_import import csv_upload, row


@pytest.fixture
def home_wages(make_case):
    return make_case(title="Kundulun depot: 12 drivers unpaid",
                     details=WageArrearsDetails(employer="Hengda Construction"))


def test_the_import_page_lists_each_new_rows_likely_duplicates(
    client_for, owner, foreign_wages, home_wages
):
    # given a list with a row of an employer that owes wages in both districts
    upload = csv_upload(row(source_reference="W-1", employer="Hengda Construction"),
                        row(source_reference="W-2", employer="Nobody Else Ltd"))

    # when the staff member imports it
    response = client_for(owner).post("/cases/import/", {"file": upload})

    # then both rows are imported and the page names the likely duplicates of row 2 only
    page = response.content.decode()
    assert response.status_code == 200
    assert Case.objects.filter(source_reference__in=["W-1", "W-2"]).count() == 2
    assert "2 cases imported." in page
    new = Case.objects.get(source_reference="W-1")
    assert new.reference in page and Case.objects.get(source_reference="W-2").reference not in page
    # their own case with its title and why; the other district's by reference only
    assert home_wages.reference in page and home_wages.title in page and "same employer" in page
    assert foreign_wages.reference in page and "Qingshan District" in page
    assert "Qingshan site" not in page and "Iron Road" not in page


def test_an_import_without_likely_duplicates_goes_to_the_list_as_before(
    client_for, owner, categories
):
    # given two rows of one employer in the same file, and no other case
    upload = csv_upload(row(source_reference="W-1"), row(source_reference="W-2"))

    # when imported
    response = client_for(owner).post("/cases/import/", {"file": upload})

    # then the rows of the file are not each other's duplicates
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert Case.objects.count() == 2


def test_a_big_import_says_it_was_not_checked(owner, categories, home_wages):
    # given more new rows than are checked
    upload = csv_upload(row(source_reference="W-1", employer="Hengda Construction"),
                        row(source_reference="W-2", employer="Hengda Construction"))

    # when imported with a limit of one row
    result = import_cases(user=owner, upload=upload, duplicate_rows=1)

    # then the cases are imported, without suggestions, and the result says so
    assert result.created == 2 and result.duplicates == []
    assert result.duplicates_unchecked


def test_the_check_costs_at_most_two_queries_a_row(owner, categories, home_wages):
    def queries(count):
        upload = csv_upload(*(row(source_reference=f"{count}-{n}", employer="Hengda Construction")
                              for n in range(count)))
        with CaptureQueriesContext(connection) as captured:
            result = import_cases(user=owner, upload=upload)
        assert len(result.duplicates) == count
        return len(captured)

    # given one import of 2 rows, one of 12 rows, each row with a likely duplicate
    two, twelve = queries(2), queries(12)

    # then the 10 more rows cost at most 20 more queries
    assert twelve - two <= 20


def test_a_background_import_lists_the_likely_duplicates_on_its_page(
    client_for, owner, home_wages, foreign_wages, monkeypatch, eager_tasks,
    django_capture_on_commit_callbacks
):
    # given imports run in the background from the first byte
    monkeypatch.setattr(jobs, "IMPORT_INLINE_BYTES", 10)
    client = client_for(owner)

    # when a file with the employer's row is imported
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/cases/import/", {"file": csv_upload(
            row(source_reference="B-1", employer="Hengda Construction"))})

    # then the job's page lists its likely duplicates, the other district's by reference
    job = Job.objects.get()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "1 case imported." in page
    assert home_wages.reference in page and home_wages.title in page
    assert foreign_wages.reference in page and "Qingshan site" not in page
