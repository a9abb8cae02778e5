"""Export of cases to CSV and Excel.

The functions take an already scoped and filtered queryset: the view applies
``Case.objects.for_user(user)`` and the filterset first. Rows are read in chunks, so an
export of 100,000 cases never holds them all in memory.

Text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab,
carriage return at the start) get a leading apostrophe (OWASP "CSV injection").
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from django.utils import timezone, translation
from django.utils.text import capfirst
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cases.choices import RiskLevel, Source, Status
from cases.models import Case

CHUNK_SIZE = 2000
BOM = "\ufeff"  # lets Excel recognise UTF-8, so Chinese is not garbled
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CELL_MAX = 32767  # Excel refuses longer text in one cell
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _label(field_name):
    """The model field's translated name, capitalised (reuses the existing translations)."""
    return capfirst(Case._meta.get_field(field_name).verbose_name)


def _local(moment):
    """An aware datetime as a naive one in the configured time zone (what people read)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


@lru_cache(maxsize=128)
def _label_in(choices, value, language):
    return str(choices(value).label)


def _display(choices, value) -> str:
    """A choice's label in the active language, translated once per export, not per row."""
    return _label_in(choices, value, translation.get_language())


def _owner(case):
    return case.owner.get_full_name() or case.owner.get_username()


class Money(Decimal):
    """A Decimal known to be an amount in yuan (formatted as money in Excel)."""


# (header, accessor): the accessor returns text, a number, a date or a naive local datetime.
EXPORT_COLUMNS = [
    (_label("reference"), lambda case: case.reference),
    (_label("title"), lambda case: case.title),
    (_label("category"), lambda case: case.category.name),
    (_label("district"), lambda case: case.district.name),
    (_label("status"), lambda case: _display(Status, case.status)),
    (_label("risk_level"), lambda case: _display(RiskLevel, case.risk_level)),
    (_label("source"), lambda case: _display(Source, case.source)),
    (_label("owner"), _owner),
    (_label("responsible_unit"), lambda case: case.responsible_unit),
    (_label("lead_official"), lambda case: case.lead_official),
    (_label("address"), lambda case: case.address),
    (_label("target_date"), lambda case: case.target_date),
    (_label("next_follow_up_due"), lambda case: case.next_follow_up_due),
    (_label("people_affected"), lambda case: case.people_affected),
    (_label("people_helped"), lambda case: case.people_helped),
    (_label("amount_involved"), lambda case: Money(case.amount_involved)),
    (_label("amount_recovered"), lambda case: Money(case.amount_recovered)),
    (_label("created_at"), lambda case: _local(case.created_at)),
    (_label("updated_at"), lambda case: _local(case.updated_at)),
    (_label("description"), lambda case: case.description),
    # Personal data is exported masked, whoever exports (riskdesk.personal); at the end,
    # so the columns before keep their places for anyone who reads the file by position.
    (_label("contact_name"), lambda case: case.contact_name),
    (_label("contact_id_number"), lambda case: case.contact_id_number_masked),
    (_label("contact_phone"), lambda case: case.contact_phone_masked),
]


def neutralise(value) -> str:
    """The value as cell text that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal | float):
        return str(value)  # a number is written as a number, never prefixed
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _rows(queryset):
    cases = queryset.select_related("category", "district", "owner").iterator(
        chunk_size=CHUNK_SIZE
    )
    for case in cases:
        yield [accessor(case) for _header, accessor in EXPORT_COLUMNS]


def csv_rows(queryset):
    """CSV text, line by line: a BOM and the header, then one line per case."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values):
        buffer.seek(0)
        buffer.truncate(0)
        writer.writerow([neutralise(value) for value in values])
        return buffer.getvalue()

    yield BOM + line([str(header) for header, _accessor in EXPORT_COLUMNS])
    for values in _rows(queryset):
        yield line(values)


def _xlsx_text(value: str) -> str:
    # Control characters make the file unreadable; Excel refuses over-long cells.
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))[:XLSX_CELL_MAX]


def write_xlsx(queryset, path) -> None:
    """Write the cases as an Excel workbook (one sheet, bold header) to ``path``."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(capfirst(Case._meta.verbose_name_plural))[:31])
    sheet.freeze_panes = "A2"  # the header stays in view while scrolling
    wide = {str(_label("title")), str(_label("description"))}
    for number, (header, _accessor) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = (
            40 if str(header) in wide else 16
        )
    bold = Font(bold=True)
    header_cells = []
    for header, _accessor in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(str(header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)

    def styled(value, number_format):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell

    for values in _rows(queryset):
        row = []
        for value in values:
            if value is None or value == "":
                row.append(None)
            elif isinstance(value, Money):
                row.append(styled(Decimal(value), MONEY_FORMAT))
            elif isinstance(value, datetime):
                row.append(styled(value, DATETIME_FORMAT))
            elif isinstance(value, date):
                row.append(styled(value, DATE_FORMAT))
            elif isinstance(value, int | Decimal):
                row.append(value)
            else:
                row.append(_xlsx_text(value))
        sheet.append(row)
    workbook.save(path)

