"""The import templates, as CSV and as an Excel workbook that explains each column and
offers drop-down lists (data validation) for category, district, risk level and source.
Their example row is marked: importing it unchanged is refused with a clear message."""

import csv
import io
from datetime import date
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cases.choices import RiskLevel, Source
from cases.imports.cells import cell_text
from cases.imports.columns import EXAMPLE_REFERENCE, IMPORT_COLUMNS
from cases.models import Case, Category
from riskdesk.access import scope_of
from riskdesk.models import District

# The rows of the template's sheet that offer the drop-down lists.
LIST_ROWS = 2000

# ---------------------------------------------------------------- the templates
EXAMPLE = {
    "source_reference": EXAMPLE_REFERENCE,
    "title": "某小区二期项目拖欠农民工工资",
    "category": "wage-arrears",
    "district": "kundulun",
    "risk_level": "high",
    "source": "rolling",
    "owner": "",  # empty: a staff member importing the file owns the case
    "description": "总包单位资金链断裂，36名农民工工资未结清，已到区信访局反映。",  # noqa: RUF001
    "address": "昆都仑区某街道某小区二期工地",
    "responsible_unit": "区人力资源和社会保障局",
    "lead_official": "张某某",
    "contact_name": "李某某",
    "contact_id_number": "150203199001011232",
    "contact_phone": "13812345678",
    "target_date": date(2026, 9, 30),
    "people_affected": 36,
    "people_helped": 0,
    "amount_involved": Decimal("1280000.00"),
    "amount_recovered": Decimal("0.00"),
    "employer": "包头市某建筑工程有限公司",
    "project": "某小区二期",
    "petition_number": "XF-2026-0142",
}


def _template_headers() -> list[str]:
    chinese = (get_language() or "").startswith("zh")
    return [column.chinese if chinese else column.name for column in IMPORT_COLUMNS]


def template_csv() -> str:
    """The import template as CSV text: a BOM, the header and one example row."""
    def shown(value):
        if isinstance(value, Decimal):
            return f"{value:,.2f}"
        return cell_text(value)

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_template_headers())
    writer.writerow([shown(EXAMPLE.get(column.name)) for column in IMPORT_COLUMNS])
    return "\ufeff" + buffer.getvalue()


def template_xlsx(user=None) -> bytes:
    """The import template as an Excel workbook; a second sheet explains each column, a
    hidden third one holds the drop-down lists (the ``user``'s districts, when given)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(capfirst(Case._meta.verbose_name_plural))[:31]
    sheet.append(_template_headers())
    sheet.append([EXAMPLE.get(column.name) if EXAMPLE.get(column.name) != "" else None
                  for column in IMPORT_COLUMNS])
    bold = Font(bold=True)
    for number, column in enumerate(IMPORT_COLUMNS, start=1):
        sheet.cell(row=1, column=number).font = bold
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = 30 if column.name in (
            "title", "description", "address", "responsible_unit", "employer",
        ) else 16
        example = sheet.cell(row=2, column=number)
        if isinstance(example.value, Decimal):
            example.number_format = "#,##0.00"
        elif isinstance(example.value, date):
            example.number_format = "yyyy-mm-dd"
        else:
            example.number_format = "@"  # text: Excel keeps "0012" and "2026-1" as typed
    sheet.freeze_panes = "A2"
    _drop_downs(workbook, sheet, user)

    notes = workbook.create_sheet(title=str(_("Columns"))[:31])
    notes.append([_("Column"), _("Chinese header"), _("Required"), _("What to enter")])
    for cell in notes[1]:
        cell.font = bold
    for column in IMPORT_COLUMNS:
        notes.append([column.name, column.chinese,
                      _("Yes") if column.required else _("No"), str(column.help)])
    for letter, width in zip("ABCD", (22, 16, 10, 90), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _choices(user) -> dict[str, list[str]]:
    """Column name -> the names a drop-down offers, in the active language."""
    districts = District.objects.filter(is_active=True).order_by("code")
    if user is not None:
        scope = scope_of(user)
        districts = [district for district in districts if scope.covers(district.pk)]
    return {
        "category": [category.name for category in Category.objects.filter(is_active=True)],
        "district": [district.name for district in districts],
        "risk_level": [str(member.label) for member in RiskLevel],
        "source": [str(member.label) for member in Source],
    }


def _drop_downs(workbook, sheet, user) -> None:
    lists = workbook.create_sheet(title=str(_("Lists"))[:31])
    lists.sheet_state = "hidden"  # never read by an import either
    letters = {column.name: get_column_letter(number)
               for number, column in enumerate(IMPORT_COLUMNS, start=1)}
    for number, (name, names) in enumerate(_choices(user).items(), start=1):
        if not names:
            continue
        letter = get_column_letter(number)
        for row, text in enumerate(names, start=1):
            lists.cell(row=row, column=number, value=text)
        validation = DataValidation(
            type="list", formula1=f"='{lists.title}'!${letter}$1:${letter}${len(names)}",
            allow_blank=True, showErrorMessage=True, errorStyle="warning",
            errorTitle=str(_("Not in the list")),
            error=str(_("Choose a value from the list.")),
        )
        validation.add(f"{letters[name]}2:{letters[name]}{LIST_ROWS}")
        sheet.add_data_validation(validation)
