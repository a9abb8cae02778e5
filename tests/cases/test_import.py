"""Import of the rolling investigation list (CSV or Excel): all rows or none."""

import csv
import io
import os
import re
import time
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string

from cases import actions
from cases.choices import CategoryKind, EventKind, RiskLevel, SchemeType, Source, Status
from cases.imports import (
    EXAMPLE_REFERENCE,
    IMPORT_COLUMNS,
    import_cases,
    read_rows,
    template_csv,
    template_xlsx,
)
from cases.models import (
    Case,
    CaseEvent,
    Category,
    MassVictimDetails,
    RealEstateDetails,
    WageArrearsDetails,
)


@pytest.fixture
def categories(db):
    """One category of each kind."""
    return {
        CategoryKind.REAL_ESTATE: Category.objects.create(
            code="real-estate", name_en="Stalled housing projects", name_zh="房地产领域",
            kind=CategoryKind.REAL_ESTATE),
        CategoryKind.WAGE_ARREARS: Category.objects.create(
            code="wage-arrears", name_en="Unpaid migrant-worker wages", name_zh="拖欠农民工工资",
            kind=CategoryKind.WAGE_ARREARS),
        CategoryKind.MASS_VICTIM: Category.objects.create(
            code="mass-victim", name_en="Mass-victim economic cases", name_zh="涉众型经济案件",
            kind=CategoryKind.MASS_VICTIM),
        CategoryKind.GENERAL: Category.objects.create(
            code="land", name_en="Land acquisition and demolition", name_zh="征地拆迁",
            kind=CategoryKind.GENERAL),
    }


def row(**values):
    """A valid wage-arrears row of Kundulun; keyword arguments change or add columns."""
    base = {
        "source_reference": "KDL-001",
        "title": "Subcontractor owes wages to 36 workers",
        "category": "wage-arrears",
        "district": "kundulun",
        "risk_level": "high",
        "people_affected": "36",
        "amount_involved": "1,280,000.00",
        "employer": "Baotou Construction Ltd",
    }
    base.update(values)
    return base


def csv_upload(*rows, name="investigation.csv", encoding="utf-8", header=None):
    header = header or list(dict.fromkeys(key for values in rows for key in values))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(column, "") for column in header])
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding))


def xlsx_upload(header, *rows, name="investigation.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def errors_of(result):
    return [(error.row, error.column) for error in result.errors]


# ---------------------------------------------------------------- a good file
def test_a_valid_csv_creates_cases_with_references_history_and_details(owner, categories):
    # given a list with one case of each kind
    upload = csv_upload(
        row(source_reference="W-1", project="Phase II", petition_number="XF-0142"),
        row(source_reference="R-1", category="real-estate", title="Stalled tower",
            employer="", project_name="Sunshine Garden", households_affected="420",
            households_delivered="120", stage="破产重整", risk_level="major"),
        row(source_reference="M-1", category="mass-victim", title="Fundraising scheme",
            employer="", scheme_type="非法集资", police_case_number="GA-2026-7",
            people_affected="3,000", people_helped="100", amount_recovered="1,000.50",
            risk_level="重大", source="police", target_date="2026-12-31"),
        row(source_reference="G-1", category="征地拆迁", title="Demolition dispute",
            employer="", risk_level="Low", owner="owner.staff"),
    )

    # when the district's staff member imports it
    result = import_cases(user=owner, upload=upload)

    # then every row is a new reported case of theirs, with its history and details
    assert result.errors == []
    assert (result.created, result.skipped) == (4, 0)
    cases = {case.source_reference: case for case in Case.objects.all()}
    assert set(cases) == {"W-1", "R-1", "M-1", "G-1"}
    year = timezone.localdate().year
    assert all(re.fullmatch(rf"RC-{year}-\d{{5}}", case.reference) for case in cases.values())
    assert len({case.reference for case in cases.values()}) == 4
    for case in cases.values():
        assert case.status == Status.REPORTED
        assert (case.owner, case.created_by, case.updated_by) == (owner, owner, owner)
        assert case.district.code == "kundulun"
    today = timezone.localdate()
    assert cases["W-1"].next_follow_up_due == today + timedelta(days=14)
    assert cases["R-1"].next_follow_up_due == today + timedelta(days=7)
    assert cases["G-1"].next_follow_up_due == today + timedelta(days=60)
    assert cases["W-1"].amount_involved == Decimal("1280000.00")
    assert cases["W-1"].source == Source.ROLLING
    mass = cases["M-1"]
    assert (mass.people_affected, mass.people_helped) == (3000, 100)
    assert mass.amount_recovered == Decimal("1000.50")
    assert (mass.risk_level, mass.source) == (RiskLevel.MAJOR, Source.POLICE)
    assert mass.target_date == date(2026, 12, 31)

    wages = WageArrearsDetails.objects.get(case=cases["W-1"])
    assert (wages.employer, wages.project, wages.petition_number) == (
        "Baotou Construction Ltd", "Phase II", "XF-0142")
    housing = RealEstateDetails.objects.get(case=cases["R-1"])
    assert (housing.project_name, housing.households_affected,
            housing.households_delivered, housing.stage) == (
        "Sunshine Garden", 420, 120, "reorganisation")
    victims = MassVictimDetails.objects.get(case=mass)
    assert (victims.scheme_type, victims.police_case_number) == (
        SchemeType.ILLEGAL_FUNDRAISING, "GA-2026-7")
    assert not RealEstateDetails.objects.filter(case=cases["G-1"]).exists()

    events = CaseEvent.objects.filter(kind=EventKind.IMPORTED)
    assert events.count() == 4
    event = events.get(case=cases["W-1"])
    assert event.user == owner
    assert event.data == {"status": "reported", "source_reference": "W-1",
                          "file": "investigation.csv"}


def test_importing_the_same_file_again_creates_nothing_new(owner, categories):
    # given a list that was imported once
    rows = [row(source_reference=f"KDL-{n}") for n in range(5)]
    first = import_cases(user=owner, upload=csv_upload(*rows))

    # when the same list, with one new row, is imported again
    second = import_cases(
        user=owner, upload=csv_upload(*rows, row(source_reference="KDL-new"))
    )

    # then only the new row is created and the others are counted as skipped
    assert (first.created, first.skipped) == (5, 0)
    assert (second.created, second.skipped, second.errors) == (1, 5, [])
    assert Case.objects.count() == 6
    assert CaseEvent.objects.count() == 6


def test_the_same_source_reference_in_another_district_is_a_different_case(
    owner, outsider, categories
):
    # given Kundulun imported its row KDL-001
    import_cases(user=owner, upload=csv_upload(row()))

    # when Qingshan imports a row that happens to carry the same identifier
    result = import_cases(
        user=outsider, upload=csv_upload(row(district="qingshan"))
    )

    # then it is created: identifiers are unique within a district
    assert (result.created, result.skipped) == (1, 0)


def test_xlsx_workbook_imports_dates_and_numbers(owner, categories):
    # given a workbook typed in Excel: numbers and dates are cells of those types
    header = ["Source_Reference", "TITLE", "category", "district", "risk level",
              "target_date", "people_affected", "amount_involved", "employer"]
    upload = xlsx_upload(
        header,
        [1001, "Unpaid wages at the steel site", "wage-arrears", "Kundulun District", "high",
         datetime(2026, 10, 1), 36, 1280000.5, "Steel Works Ltd"],
        [None] * 9,  # an empty row in the middle is skipped
        ["1002", "Unpaid wages at the rail site", "wage-arrears", "昆都仑区", "medium",
         "2026-11-15", "12", "45,000", "Rail Ltd"],
    )

    # when it is imported
    result = import_cases(user=owner, upload=upload)

    # then both rows are cases with their typed values
    assert (result.created, result.errors) == (2, [])
    steel = Case.objects.get(source_reference="1001")
    assert steel.target_date == date(2026, 10, 1)
    assert steel.amount_involved == Decimal("1280000.50")
    assert steel.people_affected == 36
    assert Case.objects.get(source_reference="1002").amount_involved == Decimal("45000.00")


def test_a_gb18030_csv_with_chinese_headers_imports(owner, categories):
    # given a CSV saved by Chinese Excel (GB18030) with the Chinese headers
    headers = {column.name: column.chinese for column in IMPORT_COLUMNS}
    values = row(title="某工地拖欠农民工工资", category="拖欠农民工工资", district="昆都仑区",
                 risk_level="较大", source="滚动排查", employer="包头市某建筑公司")
    upload = csv_upload(
        {headers[name]: value for name, value in values.items()}, encoding="gb18030"
    )

    # when it is imported
    result = import_cases(user=owner, upload=upload)

    # then the Chinese text arrives intact
    assert (result.created, result.errors) == (1, [])
    case = Case.objects.get()
    assert case.title == "某工地拖欠农民工工资"
    assert case.risk_level == RiskLevel.HIGH
    assert WageArrearsDetails.objects.get(case=case).employer == "包头市某建筑公司"


def template_upload(kind, reference=EXAMPLE_REFERENCE):
    """The downloaded template, its example row's source reference replaced or not."""
    if kind == "csv":
        text = template_csv().replace(EXAMPLE_REFERENCE, reference)
        return SimpleUploadedFile("template.csv", text.encode("utf-8"))
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    workbook.worksheets[0]["A2"] = reference
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("template.xlsx", buffer.getvalue())


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_templates_example_row_imported_unchanged_is_refused(
        owner, categories, language, kind):
    # given the template downloaded in either language
    with translation.override(language):
        upload = template_upload(kind)

    # when a staff member of Kundulun imports it unchanged
    with translation.override(language):
        result = import_cases(user=owner, upload=upload)

    # then the example row is named as such, and nothing is imported
    assert [(error.row, error.column) for error in result.errors] == [(2, "source_reference")]
    assert ("example row" if language == "en" else "示例行") in result.errors[0].message
    assert Case.objects.count() == 0


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_templates_example_filled_in_as_a_real_case_imports_cleanly(
        owner, categories, language, kind):
    # given the template whose example row was given a real source reference
    with translation.override(language):
        upload = template_upload(kind, reference="KDL-2026-0001")

    # when a staff member of Kundulun imports it
    result = import_cases(user=owner, upload=upload)

    # then its example becomes a wage-arrears case owned by them
    assert (result.created, result.errors) == (1, [])
    case = Case.objects.get()
    assert case.owner == owner
    assert case.amount_involved == Decimal("1280000.00")
    assert case.target_date == date(2026, 9, 30)
    assert WageArrearsDetails.objects.get(case=case).employer


def test_the_excel_template_offers_drop_downs_for_category_district_level_and_source(
        owner, other_district, categories):
    # given the Excel template downloaded by a Kundulun staff member, in Chinese
    with translation.override("zh-hans"):
        workbook = load_workbook(io.BytesIO(template_xlsx(owner)))

    # when we look at the data validations of the cases' sheet
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    offered = {}
    for validation in sheet.data_validations.dataValidation:
        column = header[column_index_from_string(str(validation.sqref)[0]) - 1]
        title, cells = validation.formula1.removeprefix("=").split("!")
        first, last = cells.replace("$", "").split(":")
        offered[column] = [row[0].value for row in workbook[title.strip("'")][first:last]]

    # then each of the four columns offers its names, and the district list only the
    # user's own district; the lists' sheet is hidden
    assert set(offered["类别"]) == {"房地产领域", "拖欠农民工工资", "涉众型经济案件", "征地拆迁"}
    assert offered["地区"] == ["昆都仑区"]
    assert "重大" in offered["风险等级"] and len(offered["风险等级"]) == 4
    assert "信访" in " ".join(offered["来源"]) and len(offered["来源"]) == 6
    assert workbook[title.strip("'")].sheet_state == "hidden"


def test_the_csv_template_starts_with_a_bom_for_excel(db):
    assert template_csv().startswith("\ufeff")


# ---------------------------------------------------------------- all or nothing
def test_a_60000_row_csv_with_one_bad_row_at_the_end_imports_nothing(owner, categories):
    # given 60,000 good rows and a bad risk level in the last one
    rows = [row(source_reference=f"KDL-{n:05d}") for n in range(60_000)]
    rows[-1]["risk_level"] = "extreme"

    # when it is imported
    result = import_cases(user=owner, upload=csv_upload(*rows))

    # then nothing is written and the spreadsheet row and column are named
    assert Case.objects.count() == 0
    assert (result.created, result.skipped) == (0, 0)
    assert errors_of(result) == [(60_001, "risk_level")]
    assert "extreme" in result.errors[0].message


def test_every_bad_row_is_reported_not_only_the_first(owner, categories):
    # given three rows with different problems
    upload = csv_upload(
        row(source_reference="A", people_affected="many"),
        row(source_reference="B"),
        row(source_reference="C", title="", amount_involved="-5"),
    )

    # when it is imported
    result = import_cases(user=owner, upload=upload)

    # then each problem is listed with its row, and nothing is imported
    assert errors_of(result) == [(2, "people_affected"), (4, "title"), (4, "amount_involved")]
    assert Case.objects.count() == 0


def test_an_unknown_district_and_an_unknown_category_are_named(owner, categories):
    upload = csv_upload(
        row(source_reference="A", district="atlantis"),
        row(source_reference="B", category="piracy"),
    )

    result = import_cases(user=owner, upload=upload)

    assert errors_of(result) == [(2, "district"), (3, "category")]
    assert "atlantis" in result.errors[0].message
    assert "Kundulun District" in result.errors[0].message  # the districts they can use
    assert "piracy" in result.errors[1].message
    assert Case.objects.count() == 0


def test_a_date_in_the_wrong_format_is_named_with_its_value(owner, categories):
    upload = csv_upload(
        row(source_reference="A", target_date="30.06.2026"),
        row(source_reference="B", target_date="2026-02-30"),
    )

    result = import_cases(user=owner, upload=upload)

    assert errors_of(result) == [(2, "target_date"), (3, "target_date")]
    assert "30.06.2026" in result.errors[0].message
    assert "YYYY-MM-DD" in result.errors[0].message
    assert "2026-02-30" in result.errors[1].message


@pytest.mark.parametrize(("column", "value"), [
    ("people_affected", "-3"),
    ("people_helped", "-1"),
    ("amount_involved", "-1,000.00"),
    ("amount_recovered", "-0.01"),
])
def test_negative_figures_are_refused(owner, categories, column, value):
    result = import_cases(user=owner, upload=csv_upload(row(**{column: value})))

    assert errors_of(result) == [(2, column)]
    assert "negative" in result.errors[0].message
    assert Case.objects.count() == 0


def test_more_helped_than_affected_and_more_recovered_than_involved_are_refused(
    owner, categories
):
    upload = csv_upload(
        row(source_reference="A", people_affected="10", people_helped="11"),
        row(source_reference="B", amount_involved="100", amount_recovered="100.01"),
        row(source_reference="C", category="real-estate", employer="", project_name="Tower",
            households_affected="10", households_delivered="12"),
    )

    result = import_cases(user=owner, upload=upload)

    assert errors_of(result) == [
        (2, "people_helped"), (3, "amount_recovered"), (4, "households_delivered"),
    ]
    assert Case.objects.count() == 0


def test_amounts_with_more_than_two_decimals_or_not_numbers_are_refused(owner, categories):
    upload = csv_upload(
        row(source_reference="A", amount_involved="12.345"),
        row(source_reference="B", amount_involved="12,34"),
        row(source_reference="C", people_affected="3.5"),
        row(source_reference="D", amount_involved="123456789012345678901234567890"),
    )

    result = import_cases(user=owner, upload=upload)

    assert errors_of(result) == [
        (2, "amount_involved"), (3, "amount_involved"), (4, "people_affected"),
        (5, "amount_involved"),
    ]
    assert "two decimal places" in result.errors[0].message
    assert "too large" in result.errors[3].message


def test_a_staff_member_cannot_import_a_row_for_another_district(
    owner, other_district, categories
):
    # given a list with one row of their district and one of Qingshan
    upload = csv_upload(
        row(source_reference="A"),
        row(source_reference="B", district="qingshan"),
    )

    # when the Kundulun staff member imports it
    result = import_cases(user=owner, upload=upload)

    # then the Qingshan row is refused by name, and nothing at all is imported
    assert errors_of(result) == [(3, "district")]
    assert "Qingshan District" in result.errors[0].message
    assert Case.objects.count() == 0


def test_a_district_no_longer_in_use_is_refused(city_supervisor, other_district, categories):
    other_district.is_active = False
    other_district.save()

    result = import_cases(
        user=city_supervisor, upload=csv_upload(row(district="qingshan", owner="x"))
    )

    assert errors_of(result) == [(2, "district")]
    assert "no longer in use" in result.errors[0].message


def test_a_city_supervisor_imports_into_several_districts_naming_the_owners(
    owner, outsider, city_supervisor, categories
):
    upload = csv_upload(
        row(source_reference="A", owner="owner.staff"),
        row(source_reference="B", district="qingshan", owner="outsider.staff"),
    )

    result = import_cases(user=city_supervisor, upload=upload)

    assert (result.created, result.errors) == (2, [])
    assert set(Case.objects.values_list("district__code", "owner__username")) == {
        ("kundulun", "owner.staff"), ("qingshan", "outsider.staff"),
    }


def test_a_supervisor_must_name_an_owner_of_the_district(
    owner, outsider, district_supervisor, categories
):
    upload = csv_upload(
        row(source_reference="A"),
        row(source_reference="B", owner="outsider.staff"),
        row(source_reference="C", owner="nobody"),
    )

    result = import_cases(user=district_supervisor, upload=upload)

    assert errors_of(result) == [(2, "owner"), (3, "owner"), (4, "owner")]
    assert "outsider.staff" in result.errors[1].message


def test_a_source_reference_repeated_in_the_file_is_named(owner, categories):
    upload = csv_upload(row(source_reference="A"), row(source_reference="A"))

    result = import_cases(user=owner, upload=upload)

    assert errors_of(result) == [(3, "source_reference")]
    assert "row 2" in result.errors[0].message


def test_an_inactive_category_is_refused(owner, categories):
    Category.objects.filter(code="land").update(is_active=False)

    result = import_cases(user=owner, upload=csv_upload(row(category="land", employer="")))

    assert errors_of(result) == [(2, "category")]
    assert "no longer in use" in result.errors[0].message


def test_details_of_another_kind_are_refused_not_dropped(owner, categories):
    # given a wage-arrears row that also fills in a real-estate column
    upload = csv_upload(row(project_name="Sunshine Garden"))

    result = import_cases(user=owner, upload=upload)

    assert errors_of(result) == [(2, "project_name")]


def test_details_need_their_main_column(owner, categories):
    upload = csv_upload(
        row(source_reference="A", employer="", project="Phase II"),
        row(source_reference="B", category="real-estate", employer="", developer="X Ltd"),
        row(source_reference="C", category="mass-victim", employer="",
            police_case_number="GA-1"),
    )

    result = import_cases(user=owner, upload=upload)

    assert errors_of(result) == [(2, "employer"), (3, "project_name"), (4, "scheme_type")]


def test_text_longer_than_its_field_is_refused(owner, categories):
    result = import_cases(user=owner, upload=csv_upload(row(title="x" * 201)))

    assert errors_of(result) == [(2, "title")]
    assert "201" in result.errors[0].message


# ---------------------------------------------------------------- the file itself
def test_an_unknown_or_missing_column_is_refused_by_name(owner, categories):
    # given a typo in one header and no district column
    values = row(distrcit="kundulun")
    del values["district"]

    with pytest.raises(ValidationError) as refused:
        read_rows(csv_upload(values))

    messages = " ".join(refused.value.messages)
    assert "distrcit" in messages
    assert "district" in messages and "地区" in messages


def test_a_value_under_a_column_without_header_is_refused(owner, categories):
    header = [*row(), ""]
    upload = csv_upload({**row(), "": "stray"}, header=header)

    with pytest.raises(ValidationError) as refused:
        read_rows(upload)

    assert "I2" in refused.value.messages[0]


def test_a_binary_file_renamed_csv_gets_a_clear_error(owner, categories):
    garbage = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + os.urandom(20_000)

    with pytest.raises(ValidationError) as refused:
        import_cases(user=owner, upload=SimpleUploadedFile("list.csv", garbage))

    assert "not a CSV text file" in refused.value.messages[0]


def test_a_file_that_is_not_really_xlsx_is_refused(owner, categories):
    with pytest.raises(ValidationError) as refused:
        import_cases(user=owner, upload=SimpleUploadedFile("list.xlsx", b"PK\x03\x04junk"))

    assert "not really an Excel workbook" in refused.value.messages[0]


def test_a_zip_bomb_named_xlsx_is_refused(owner, categories):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", b"\x00" * (20 * 1024 * 1024))

    with pytest.raises(ValidationError) as refused:
        import_cases(user=owner, upload=SimpleUploadedFile("list.xlsx", buffer.getvalue()))

    assert "unpacks to far more" in refused.value.messages[0]


@pytest.mark.parametrize("name", ["list.xls", "list.txt", "list"])
def test_only_csv_and_xlsx_files_are_accepted(owner, name):
    with pytest.raises(ValidationError) as refused:
        import_cases(user=owner, upload=SimpleUploadedFile(name, b"a,b\n1,2\n"))

    assert ".xlsx" in refused.value.messages[0]


def test_a_csv_line_over_1_mb_is_refused_quickly(owner, categories):
    header = ",".join(row()).encode()
    upload = SimpleUploadedFile("list.csv", header + b"\nA," + b"x" * (1024 * 1024 + 1) + b"\n")

    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        import_cases(user=owner, upload=upload)

    assert time.monotonic() - started < 2
    assert "longer than 1 MB" in refused.value.messages[0]


def test_an_unclosed_quote_is_refused_with_a_hint(owner, categories):
    header = ",".join(row()).encode()
    lines = [b'A,"never closed'] + [b"x" * 1000] * 1200
    upload = SimpleUploadedFile("list.csv", header + b"\n" + b"\n".join(lines))

    with pytest.raises(ValidationError) as refused:
        import_cases(user=owner, upload=upload)

    assert "quotation mark" in refused.value.messages[0]


def test_a_file_with_a_million_columns_is_refused_quickly(owner, categories):
    upload = SimpleUploadedFile("list.csv", b"," * 999_999 + b"\n")

    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        import_cases(user=owner, upload=upload)

    assert time.monotonic() - started < 2
    assert "1000000 columns" in refused.value.messages[0]


def test_a_file_without_cases_says_so(owner, categories):
    with pytest.raises(ValidationError) as refused:
        import_cases(user=owner, upload=SimpleUploadedFile("list.csv", b"\xef\xbb\xbf\n\n"))

    assert "has no cases" in refused.value.messages[0]


def test_rows_imported_by_someone_else_meanwhile_stop_the_import_cleanly(
    owner, district, categories, monkeypatch
):
    # given a colleague saves a case with the same identifier just before the insert
    import cases.imports

    original = cases.imports.allocate_references

    def colleague_first(count):
        actions.register_case(user=owner, case=Case(
            title="Saved meanwhile", category=categories[CategoryKind.WAGE_ARREARS],
            district=district, risk_level=RiskLevel.HIGH, source=Source.ROLLING,
            owner=owner, source_reference="KDL-001",
        ))
        return original(count)

    monkeypatch.setattr(cases.imports, "allocate_references", colleague_first)

    # when the import reaches the insert
    with pytest.raises(ValidationError) as refused:
        import_cases(user=owner, upload=csv_upload(row(), row(source_reference="KDL-002")))

    # then it says what happened and leaves nothing half-imported
    assert "at the same moment" in refused.value.messages[0]
    assert not Case.objects.filter(source_reference="KDL-002").exists()


# ---------------------------------------------------------------- who and how fast
def test_a_role_that_cannot_register_cannot_import(admin_user, categories):
    with pytest.raises(ValidationError):
        import_cases(user=admin_user, upload=csv_upload(row()))

    assert Case.objects.count() == 0


def test_the_number_of_queries_does_not_grow_with_the_rows(owner, categories):
    # the check for likely duplicates afterwards (two queries a row, at most 500 rows) is
    # pinned in test_import_duplicates.py
    def queries_for(count, prefix):
        upload = csv_upload(*(row(source_reference=f"{prefix}-{n}") for n in range(count)))
        with CaptureQueriesContext(connection) as captured:
            result = import_cases(user=owner, upload=upload, duplicate_rows=0)
        assert result.created == count
        return len(captured)

    queries_for(1, "warm-up")  # the year's reference counter exists from now on
    assert queries_for(3, "small") == queries_for(30, "large")

