"""Import of the spreadsheets clerks really send: title rows, merged group headers, cover
and hidden sheets, formulas saved without values, dates and amounts as typed in China,
GB18030 with its byte-order mark. Each file is built here as Excel or WPS leaves it."""

import codecs
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from cases.imports import IMPORT_COLUMNS, import_cases
from cases.models import Case

CHINESE = {column.name: column.chinese for column in IMPORT_COLUMNS}
HEADER = ["来源编号", "标题", "类别", "地区", "风险等级", "计划化解日期", "涉及人数", "涉及金额",
          "欠薪单位"]


def case_row(reference="KDL-001", *, target="2026-09-30", people=36, amount="1,280,000.00",
             title="某工地拖欠农民工工资"):
    return [reference, title, "拖欠农民工工资", "昆都仑区", "较大", target, people, amount,
            "包头市某建筑公司"]


def titled_sheet(sheet, rows=None):
    """A sheet as the level above sends it: a title, a date line, then the header."""
    sheet.append(["昆都仑区涉稳风险滚动排查表"])
    sheet.merge_cells("A1:I1")
    sheet.append(["填报单位：昆都仑区委政法委", None, None, None, None,
                  "填报日期：2026年3月5日"])
    sheet.append(HEADER)
    for values in rows or [case_row()]:
        sheet.append(values)


def upload_of(workbook, name="排查表.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def one_sheet(*rows):
    workbook = Workbook()
    titled_sheet(workbook.active, list(rows) or None)
    return upload_of(workbook)


# ---------------------------------------------------------------- title rows and headers
def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_numbers(
        owner, categories):
    # given the level above's layout: a merged title, a date line, the header on row 3
    upload = one_sheet(case_row(), case_row("KDL-002", target="not a date"))

    # when it is imported
    result = import_cases(user=owner, upload=upload)

    # then the file is read, and the bad date is named on its own spreadsheet row
    assert [(error.row, error.column) for error in result.errors] == [(5, "target_date")]
    assert Case.objects.count() == 0

    # and once corrected, both cases arrive
    result = import_cases(user=owner, upload=one_sheet(case_row(), case_row("KDL-002")))
    assert (result.created, result.errors) == (2, [])


def test_a_header_on_two_rows_under_merged_group_headers_is_read(owner, categories):
    # given group headers merged over two rows ("基本情况", "涉案情况") and names below
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["XX区涉稳风险滚动排查表"])
    sheet.append(["来源编号", "基本情况", None, None, None, "计划化解日期", "涉案情况"])
    sheet.append([None, "标题", "类别", "地区", "风险等级", None, "涉及人数", "涉及金额",
                  "欠薪单位"])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:E2")
    sheet.merge_cells("F2:F3")
    sheet.merge_cells("G2:I2")
    sheet.append(case_row())

    # when it is imported
    result = import_cases(user=owner, upload=upload_of(workbook))

    # then every column is found under its group
    assert (result.created, result.errors) == (1, [])
    case = Case.objects.get()
    assert (case.source_reference, case.target_date, case.people_affected) == (
        "KDL-001", date(2026, 9, 30), 36)


# ---------------------------------------------------------------- sheets
def test_a_hidden_first_sheet_is_never_read(owner, categories):
    # given a hidden first sheet with last year's cases, and this year's on a visible one
    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "2025年"
    titled_sheet(hidden, [case_row("OLD-001", title="去年的旧问题")])
    hidden.sheet_state = "hidden"
    titled_sheet(workbook.create_sheet("2026年"))

    # when it is imported
    result = import_cases(user=owner, upload=upload_of(workbook))

    # then only the visible sheet's case exists
    assert (result.created, result.errors) == (1, [])
    assert list(Case.objects.values_list("source_reference", flat=True)) == ["KDL-001"]


def test_a_cover_sheet_in_front_of_the_list_is_passed_over(owner, categories):
    # given a cover sheet with the instructions (the active one) and the list behind it
    workbook = Workbook()
    workbook.active.title = "填表说明"
    workbook.active.append(["填表说明：请按要求逐项填写，不得更改表头。"])
    titled_sheet(workbook.create_sheet("排查表"))

    # when it is imported
    result = import_cases(user=owner, upload=upload_of(workbook))

    # then the list's case arrives
    assert (result.created, result.errors) == (1, [])


def test_several_possible_sheets_are_listed_and_the_chosen_one_is_read(owner, categories):
    # given a cover sheet in front of two monthly lists
    workbook = Workbook()
    workbook.active.title = "封面"
    titled_sheet(workbook.create_sheet("2月"), [case_row("FEB-001")])
    titled_sheet(workbook.create_sheet("3月"), [case_row("MAR-001")])
    upload = upload_of(workbook)

    # when it is imported without choosing
    with pytest.raises(ValidationError) as refused:
        import_cases(user=owner, upload=upload)

    # then both sheets are named, nothing is imported
    message = " ".join(refused.value.messages)
    assert "“2月”" in message and "“3月”" in message
    assert refused.value.sheets == ["2月", "3月"]
    assert Case.objects.count() == 0

    # and when the user chooses March, March is imported
    upload.seek(0)
    result = import_cases(user=owner, upload=upload, sheet="3月")
    assert (result.created, result.errors) == (1, [])
    assert Case.objects.get().source_reference == "MAR-001"


def test_the_import_page_offers_the_sheets_to_choose_from(client_for, owner, categories):
    # given a workbook with two monthly lists
    workbook = Workbook()
    workbook.active.title = "封面"
    titled_sheet(workbook.create_sheet("2月"), [case_row("FEB-001")])
    titled_sheet(workbook.create_sheet("3月"), [case_row("MAR-001")])
    client = client_for(owner)

    # when it is uploaded without a sheet, then with one
    asked = client.post(reverse("cases:import"), {"file": upload_of(workbook)})
    done = client.post(reverse("cases:import"), {"file": upload_of(workbook), "sheet": "2月"})

    # then the page asks which sheet, and the chosen one is imported
    assert asked.status_code == 200
    assert '<option value="3月">3月</option>' in asked.content.decode()
    assert done.status_code == 302
    assert Case.objects.get().source_reference == "FEB-001"


# ---------------------------------------------------------------- cells
def test_a_formula_saved_without_its_value_is_refused_naming_the_cell(owner, categories):
    # given a sum written by a program that does not calculate (no value saved)
    upload = one_sheet(case_row(people="=10+26"), case_row("KDL-002"))

    # when it is imported
    with pytest.raises(ValidationError) as refused:
        import_cases(user=owner, upload=upload)

    # then the cell is named, and nothing is imported rather than 0 people
    message = " ".join(refused.value.messages)
    assert "G4" in message and "=10+26" in message
    assert Case.objects.count() == 0


def test_a_formula_error_names_the_column_in_the_users_language(owner, categories):
    # given the same file, imported from the Chinese page
    upload = one_sheet(case_row(amount="=G4*1000"))

    # when it is imported
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        import_cases(user=owner, upload=upload)

    # then the column is its Chinese header
    assert "H4（涉及金额）" in " ".join(refused.value.messages)


@pytest.mark.parametrize("typed", [
    "2026年3月5日", "2026/3/5", "２０２６年３月５日", 46086, "46086", "2026-03-05"])
def test_dates_as_clerks_type_them_are_read(owner, categories, typed):
    # given a date typed in Chinese, or left as Excel's serial in a General or text cell
    upload = one_sheet(case_row(target=typed))

    # when it is imported
    result = import_cases(user=owner, upload=upload)

    # then it is 5 March 2026
    assert result.errors == []
    assert Case.objects.get().target_date == date(2026, 3, 5)


@pytest.mark.parametrize(("typed", "yuan"), [
    ("128万元", "1280000.00"), ("128万", "1280000.00"), ("49.96万元", "499600.00"),
    ("1，280，000", "1280000.00"), ("￥1，280，000.50元", "1280000.50"),
    (1280000, "1280000.00"),
])
def test_amounts_as_clerks_type_them_are_read_in_yuan(owner, categories, typed, yuan):
    # given an amount in 万元, with full-width commas, or with the yuan sign
    upload = one_sheet(case_row(amount=typed, people="1，904"))

    # when it is imported
    result = import_cases(user=owner, upload=upload)

    # then it is stored in yuan
    assert result.errors == []
    case = Case.objects.get()
    assert case.amount_involved == Decimal(yuan)
    assert case.people_affected == 1904


# ---------------------------------------------------------------- CSV from Chinese Excel
def gb18030_csv(*lines):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    text = buffer.getvalue()
    return SimpleUploadedFile("排查表.csv", codecs.encode("\ufeff" + text, "gb18030"))


def test_a_gb18030_csv_with_a_bom_imports(owner, categories):
    # given a CSV in GB18030 that starts with its byte-order mark (84 31 95 33)
    upload = gb18030_csv(HEADER, case_row(amount="128万元"))
    assert upload.read(4) == b"\x84\x31\x95\x33"

    # when it is imported
    result = import_cases(user=owner, upload=upload)

    # then the first column is found and the case arrives
    assert (result.created, result.errors) == (1, [])
    assert Case.objects.get().source_reference == "KDL-001"


def test_no_byte_order_mark_appears_in_messages(owner, categories):
    # given a GB18030 CSV with a BOM whose first header is misspelt, and one whose first
    # cell is wrong
    misspelt = gb18030_csv(["来源编码", *HEADER[1:]], case_row())
    wrong = gb18030_csv(HEADER, case_row(reference="", target="3月5日"))

    # when they are imported
    with pytest.raises(ValidationError) as refused:
        import_cases(user=owner, upload=misspelt)
    result = import_cases(user=owner, upload=wrong)

    # then the messages name the header and the cells without U+FEFF
    header_messages = " ".join(refused.value.messages)
    assert "“来源编码”" in header_messages
    assert {error.column for error in result.errors} == {"source_reference", "target_date"}
    assert "\ufeff" not in header_messages + "".join(e.message for e in result.errors)


# ---------------------------------------------------------------- column names
def test_errors_name_columns_by_their_chinese_header_on_the_chinese_page(
        client_for, owner, categories):
    # given a row with a bad ID number, uploaded from the Chinese page
    header = [*HEADER, "联系人身份证号"]
    upload = one_sheet()
    workbook = Workbook()
    titled_sheet(workbook.active, [[*case_row(), "150203199001011239"]])
    workbook.active["A3"].value = header[0]
    workbook.active.cell(row=3, column=len(header), value=header[-1])
    upload = upload_of(workbook)

    # when it is imported
    response = client_for(owner).post(reverse("cases:import"), {"file": upload},
                                      HTTP_ACCEPT_LANGUAGE="zh-hans")

    # then the problem's column is 联系人身份证号, not the code
    page = response.content.decode()
    assert "<td>4</td><td>联系人身份证号</td>" in page
    assert "<td>contact_id_number</td>" not in page


# ---------------------------------------------------------------- numbers Excel spoilt
def with_contact(*contact):
    workbook = Workbook()
    sheet = workbook.active
    titled_sheet(sheet, [[*case_row(), *contact]])
    sheet["J3"], sheet["K3"] = "联系人身份证号", "联系电话"
    return upload_of(workbook)


@pytest.mark.parametrize(("id_number", "shown"), [
    (150203199001011232, "1.50203E+17"),  # a number cell: Excel keeps 15 digits
    ("1.50203E+17", "1.50203E+17"),  # the scientific notation saved as text (CSV)
])
def test_an_id_number_excel_turned_into_a_number_is_a_warning_naming_the_row(
        owner, categories, id_number, shown):
    # given the contact's ID number typed into a General cell
    upload = with_contact(id_number, "13812345678")

    # when it is imported
    result = import_cases(user=owner, upload=upload)

    # then the case arrives without the spoilt number, and row 4 is named with a warning,
    # not with a check-digit error
    assert (result.created, result.errors) == (1, [])
    assert [(w.row, w.column) for w in result.warnings] == [(4, "contact_id_number")]
    assert shown in result.warnings[0].message
    assert "check" not in result.warnings[0].message.lower()
    case = Case.objects.get()
    assert (case.contact_id_number, case.contact_phone) == ("", "13812345678")


def test_a_phone_excel_turned_into_a_number_is_a_warning_on_the_import_page(
        client_for, owner, categories):
    # given a landline whose leading 0 Excel dropped (0472-5123456 typed as 4725123456)
    upload = with_contact("150203199001011232", 4725123456)

    # when it is imported from the page
    response = client_for(owner).post(reverse("cases:import"), {"file": upload}, follow=True)

    # then the case is imported and the page warns about row 4's phone
    page = response.content.decode()
    assert Case.objects.get().contact_phone == ""
    assert "Row 4, contact_phone:" in page and "4725123456" in page
