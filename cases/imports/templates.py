"""The import templates, as CSV and as an Excel workbook that explains each column."""

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

from cases.imports.columns import IMPORT_COLUMNS
from cases.imports.reading import cell_text
from cases.models import Case

# ---------------------------------------------------------------- the templates
EXAMPLE = {
    "source_reference": "KDL-2026-0001",
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


def template_xlsx() -> bytes:
    """The import template as an Excel workbook; a second sheet explains each column."""
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
