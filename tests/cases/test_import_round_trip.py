"""A supervisor exports cases, corrects them in Excel and imports the file back: with
"update the existing cases" the corrections land on the cases, each in the history like
an edit; without it the rows are skipped. All rows or none, and only one's own cases."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from cases.choices import EventKind, RiskLevel, Status
from cases.exports import write_xlsx
from cases.imports import import_cases
from cases.models import Case, CaseEvent, WageArrearsDetails


def exported(queryset, tmp_path, language="zh-hans"):
    """The cases as an export writes them, opened as Excel opens it."""
    path = tmp_path / "export.xlsx"
    with translation.override(language):
        write_xlsx(queryset, path)
    return load_workbook(path)


def edit(workbook, reference, **values):
    """Change the cells of the case's row, by the column's header."""
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        if cells[0].value == reference:
            for name, value in values.items():
                cells[header.index(name)].value = value


def upload_of(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("导出案件.xlsx", buffer.getvalue())


@pytest.fixture
def wage_case(make_case):
    return make_case(
        source_reference="KDL-2026-0007", people_helped=20, contact_id_number="150203199001011232",
        contact_phone="13812345678",
        details=WageArrearsDetails(employer="包头市某建筑公司", petition_number="XF-1"))


def test_an_exported_file_corrected_in_excel_updates_the_cases_with_history(
        owner, wage_case, make_case, tmp_path):
    # given an export of two cases, in which one case is corrected: more workers paid, a
    # higher risk level, the petition linked
    other = make_case(title="Another site")
    workbook = exported(Case.objects.all(), tmp_path)
    edit(workbook, wage_case.reference, 已化解人数=60, 风险等级="重大", 信访件编号="XF-2026-0142")

    # when it is imported back, updating the existing cases
    with translation.override("zh-hans"):
        result = import_cases(user=owner, upload=upload_of(workbook), update=True)

    # then that case has the corrections, the other is untouched, and the history holds
    # them as an edit by the person who imported
    assert (result.errors, result.created, result.updated, result.unchanged) == ([], 0, 1, 1)
    wage_case.refresh_from_db()
    assert (wage_case.people_helped, wage_case.risk_level) == (60, RiskLevel.MAJOR)
    assert WageArrearsDetails.objects.get(case=wage_case).petition_number == "XF-2026-0142"
    edit_event = CaseEvent.objects.get(case=wage_case, kind=EventKind.EDITED)
    assert edit_event.user == owner
    assert set(edit_event.data["changes"]) == {"people_helped", "risk_level", "petition_number"}
    assert not CaseEvent.objects.filter(case=other, kind=EventKind.EDITED).exists()
    # and the personal numbers, exported masked, are kept whole
    assert (wage_case.contact_id_number, wage_case.contact_phone) == (
        "150203199001011232", "13812345678")


def test_without_update_the_rows_of_existing_cases_are_skipped(owner, wage_case, tmp_path):
    # given a corrected export
    workbook = exported(Case.objects.all(), tmp_path, language="en")
    edit(workbook, wage_case.reference, people_helped=60)

    # when it is imported without asking to update
    result = import_cases(user=owner, upload=upload_of(workbook))

    # then nothing changes
    assert (result.errors, result.created, result.skipped) == ([], 0, 1)
    wage_case.refresh_from_db()
    assert wage_case.people_helped == 20


def test_an_import_cannot_update_another_districts_case(
        owner, outsider, wage_case, tmp_path):
    # given Kundulun's export, in the hands of Qingshan staff who set it to their district
    workbook = exported(Case.objects.all(), tmp_path, language="en")
    edit(workbook, wage_case.reference, district="qingshan", owner="outsider.staff",
         people_helped=0)

    # when they import it to update
    result = import_cases(user=outsider, upload=upload_of(workbook), update=True)

    # then the case is unknown to them and nothing changes
    assert [(error.row, error.column) for error in result.errors] == [(2, "reference")]
    assert wage_case.reference in result.errors[0].message
    wage_case.refresh_from_db()
    assert (wage_case.district.code, wage_case.people_helped) == ("kundulun", 20)
    assert not CaseEvent.objects.filter(kind=EventKind.EDITED).exists()


def test_one_refused_row_updates_no_case_at_all(owner, wage_case, make_case, tmp_path):
    # given a closed case and an open one, both corrected in the export
    closed = make_case(title="Resolved site")
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    workbook = exported(Case.objects.all(), tmp_path, language="en")
    edit(workbook, wage_case.reference, people_helped=60)
    edit(workbook, closed.reference, people_helped=80)

    # when it is imported to update
    result = import_cases(user=owner, upload=upload_of(workbook), update=True)

    # then the closed case's row is refused, and the open case is not changed either
    assert [error.column for error in result.errors] == ["reference"]
    assert closed.reference in result.errors[0].message
    wage_case.refresh_from_db()
    assert wage_case.people_helped == 20
    assert not CaseEvent.objects.filter(kind=EventKind.EDITED).exists()


def test_a_closed_case_exported_unchanged_is_not_a_problem(owner, make_case, tmp_path):
    # given an export holding a closed case nobody touched
    closed = make_case(title="Resolved site")
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    workbook = exported(Case.objects.all(), tmp_path)

    # when it is imported to update
    result = import_cases(user=owner, upload=upload_of(workbook), update=True)

    # then it is counted as unchanged
    assert (result.errors, result.updated, result.unchanged) == ([], 0, 1)


def test_a_masked_number_that_is_not_the_cases_is_refused(owner, wage_case, tmp_path):
    # given an export in which someone retyped the masked ID with other digits
    workbook = exported(Case.objects.all(), tmp_path, language="en")
    edit(workbook, wage_case.reference, contact_id_number="1502**********9999")

    # when it is imported to update
    result = import_cases(user=owner, upload=upload_of(workbook), update=True)

    # then the cell is named and the number kept
    assert [error.column for error in result.errors] == ["contact_id_number"]
    wage_case.refresh_from_db()
    assert wage_case.contact_id_number == "150203199001011232"


def test_columns_left_out_of_the_file_are_left_as_they_are(owner, wage_case, tmp_path):
    # given an export from which the description, address and amounts columns were deleted
    Case.objects.filter(pk=wage_case.pk).update(description="Details", address="Site 7")
    workbook = exported(Case.objects.all(), tmp_path, language="en")
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for name in ("amount_recovered", "amount_involved", "address", "description"):
        sheet.delete_cols(header.index(name) + 1)
        header.remove(name)
    edit(workbook, wage_case.reference, title="New title")

    # when it is imported to update
    result = import_cases(user=owner, upload=upload_of(workbook), update=True)

    # then only the title changed
    assert (result.errors, result.updated) == ([], 1)
    wage_case.refresh_from_db()
    assert (wage_case.title, wage_case.description, wage_case.address) == (
        "New title", "Details", "Site 7")
    assert wage_case.amount_involved == Decimal("1200000.00")


def test_the_import_page_updates_when_asked(client_for, owner, wage_case, tmp_path):
    # given a corrected export
    workbook = exported(Case.objects.all(), tmp_path, language="en")
    edit(workbook, wage_case.reference, people_helped=60)

    # when it is uploaded with "update the existing cases" ticked
    response = client_for(owner).post(reverse("cases:import"), {
        "file": upload_of(workbook), "update": "on"}, follow=True)

    # then the page says one case was updated, and it was
    assert "1 existing case was updated." in response.content.decode()
    wage_case.refresh_from_db()
    assert wage_case.people_helped == 60


def test_a_title_the_export_protected_from_running_as_a_formula_comes_back_unchanged(
        owner, make_case, tmp_path):
    # given a case whose title starts like a formula, exported with an apostrophe
    case = make_case(title="=A1 is not a formula")
    workbook = exported(Case.objects.all(), tmp_path, language="en")

    # when the file is imported back to update
    result = import_cases(user=owner, upload=upload_of(workbook), update=True)

    # then the title is unchanged: no apostrophe added, no edit in the history
    assert (result.errors, result.updated, result.unchanged) == ([], 0, 1)
    case.refresh_from_db()
    assert case.title == "=A1 is not a formula"
