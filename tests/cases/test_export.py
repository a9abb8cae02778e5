"""Export of cases to CSV and Excel: exactly the given rows, safe to open in a spreadsheet."""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from cases import actions
from cases.choices import CategoryKind, HousingStage, RiskLevel, Source
from cases.exports import EXPORT_COLUMNS, csv_rows, neutralise, write_xlsx
from cases.imports import template_xlsx
from cases.models import Case, Category, RealEstateDetails


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


@pytest.fixture
def register(owner, district, categories):
    """Register a wage-arrears case of Kundulun through the action, as a person would."""

    def make(details=None, **fields):
        values = {
            "title": "Subcontractor owes wages to 80 workers",
            "category": categories[CategoryKind.WAGE_ARREARS],
            "district": district,
            "risk_level": RiskLevel.HIGH,
            "source": Source.ROLLING,
            "owner": owner,
            "people_affected": 80,
            "people_helped": 20,
            "amount_involved": Decimal("1200000.00"),
            "amount_recovered": Decimal("300000.50"),
            "target_date": date(2026, 9, 30),
        }
        values.update(fields)
        return actions.register_case(user=owner, case=Case(**values), details=details)

    return make


def read_csv(queryset):
    text = "".join(csv_rows(queryset))
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_has_the_bom_the_header_and_exactly_the_rows_of_the_queryset(register):
    # given three cases, of which the (already filtered) queryset holds two
    first = register(title="First")
    register(title="Second")
    third = register(title="Third")
    queryset = Case.objects.filter(pk__in=[first.pk, third.pk])

    # when it is exported
    text, rows = read_csv(queryset)

    # then the file starts with a BOM and the header, and holds just those two
    assert text.startswith("\ufeff")
    assert rows[0] == [name for name, _accessor in EXPORT_COLUMNS]
    assert rows[0][:3] == ["reference", "source_reference", "title"]
    assert sorted(line[0] for line in rows[1:]) == sorted([first.reference, third.reference])


def test_csv_cells_are_readable_values(register, owner):
    # given a case
    case = register()

    # when it is exported
    _text, rows = read_csv(Case.objects.all())

    # then names, labels, ISO dates, plain numbers and the local time are written
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["category"] == "Unpaid migrant-worker wages"
    assert values["district"] == "Kundulun District"
    assert values["status"] == "Reported"
    assert values["risk_level"] == "High"
    assert values["source"] == "Rolling investigation"
    assert values["owner"] == "owner.staff"  # the user name, which an import reads
    assert values["target_date"] == "2026-09-30"
    assert values["next_follow_up_due"] == case.next_follow_up_due.isoformat()
    assert values["amount_involved"] == "1200000.00"
    assert values["people_helped"] == "20"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", values["created_at"])


def test_the_export_speaks_the_active_language(register):
    register()

    with translation.override("zh-hans"):
        _text, rows = read_csv(Case.objects.all())

    assert "拖欠农民工工资" in rows[1]
    assert "昆都仑区" in rows[1]


def test_a_formula_in_a_title_comes_out_as_text(register):
    # given a title that a spreadsheet would run as a command
    register(title="=cmd|' /C calc'!A0", description="@SUM(1+1)")

    # when it is exported
    _text, rows = read_csv(Case.objects.all())

    # then the cells start with an apostrophe
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["title"] == "'=cmd|' /C calc'!A0"
    assert values["description"] == "'@SUM(1+1)"


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+86 471", "'+86 471"), ("-x", "'-x"), ("@A1", "'@A1"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), ("a=b", "a=b"), ("", ""),
    (None, ""), (12, "12"), (Decimal("1250.50"), "1250.50"),
])
def test_neutralise_prefixes_only_text_that_starts_like_a_formula(value, written):
    assert neutralise(value) == written


def test_xlsx_opens_and_has_the_same_rows_with_typed_cells(register, tmp_path):
    # given two cases, one with a formula-like title
    register(title="Normal")
    register(title="=HYPERLINK(\"http://evil\")")
    queryset = Case.objects.all()

    # when both formats are written
    path = tmp_path / "cases.xlsx"
    write_xlsx(queryset, path)
    _text, csv_lines = read_csv(queryset)

    # then the workbook has the same header and rows, with numbers and dates as such
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == csv_lines[0]
    assert sheet.cell(row=1, column=1).font.b
    assert [row[0] for row in rows[1:]] == [line[0] for line in csv_lines[1:]]
    header = list(rows[0])
    by_title = {row[2]: dict(zip(header, row, strict=False)) for row in rows[1:]}
    assert set(by_title) == {"Normal", "'=HYPERLINK(\"http://evil\")"}
    normal = by_title["Normal"]
    assert normal["amount_involved"] == 1200000
    assert normal["amount_recovered"] == pytest.approx(300000.5)
    assert normal["people_affected"] == 80
    assert normal["target_date"] == datetime(2026, 9, 30)
    assert isinstance(normal["created_at"], datetime)
    workbook = load_workbook(path)
    amount = header.index("amount_involved") + 1
    assert workbook.worksheets[0].cell(row=2, column=amount).number_format == "#,##0.00"


def test_xlsx_drops_characters_excel_cannot_store(register, tmp_path):
    register(description="line\x01one\x07 and two")

    write_xlsx(Case.objects.all(), tmp_path / "cases.xlsx")

    sheet = load_workbook(tmp_path / "cases.xlsx", read_only=True).worksheets[0]
    header, values = list(sheet.iter_rows(values_only=True))
    assert values[header.index("description")] == "lineone and two"


def test_exporting_three_cases_issues_a_bounded_number_of_queries(
    register, tmp_path, django_assert_max_num_queries
):
    for number in range(3):
        register(title=f"Case {number}")
    queryset = Case.objects.all()

    with django_assert_max_num_queries(1):
        lines = list(csv_rows(queryset))
    with django_assert_max_num_queries(1):
        write_xlsx(queryset, tmp_path / "cases.xlsx")

    assert len(lines) == 4


def test_an_export_of_a_scoped_queryset_holds_no_other_district(register, outsider):
    register()

    _text, rows = read_csv(Case.objects.for_user(outsider))

    assert rows[1:] == []


def test_the_export_uses_the_templates_chinese_headers_and_carries_every_import_column(
        register, categories):
    # given a real-estate case with its details
    register(category=categories[CategoryKind.REAL_ESTATE], title="米兰春天停工",
             details=RealEstateDetails(project_name="米兰春天", developer="某置业公司",
                                       households_affected=500, households_delivered=120,
                                       stage=HousingStage.DELIVERING))

    # when it is exported from the Chinese page
    with translation.override("zh-hans"):
        _text, rows = read_csv(Case.objects.all())
        template = load_workbook(io.BytesIO(template_xlsx())).worksheets[0]
        template_header = [cell.value for cell in template[1]]

    # then every column of the import template is there, under the same Chinese name,
    # with the details filled in
    values = dict(zip(rows[0], rows[1], strict=True))
    assert set(template_header) <= set(values)
    assert "project_name" not in values and "案件编号" in values
    assert (values["项目名称"], values["涉及户数"], values["已交付户数"]) == (
        "米兰春天", "500", "120")
    assert values["项目阶段"] == "分批交付中"
    assert values["欠薪单位"] == ""
