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

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone, translation
from django.utils.text import capfirst
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cases.choices import HousingStage, RiskLevel, SchemeType, Source, Status
from cases.imports.columns import column_label
from cases.models import Case
from riskdesk.columns import COLUMNS_PARAM  # ?columns=reference,title,...: the list's columns

CHUNK_SIZE = 2000
BOM = "\ufeff"  # lets Excel recognise UTF-8, so Chinese is not garbled
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CELL_MAX = 32767  # Excel refuses longer text in one cell
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


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


def _detail(relation, name, choices=None):
    """A kind detail's accessor: empty for a case without details of that kind."""
    def accessor(case):
        try:
            value = getattr(getattr(case, relation), name)
        except ObjectDoesNotExist:
            return None
        return _display(choices, value) if choices and value else value
    return accessor


def _attribute(name):
    return lambda case: getattr(case, name)


# (column name, accessor): the accessor returns text, a number, a date or a naive local
# datetime. The columns are the import's, under the template's headers, so a file
# exported, corrected in Excel and imported again updates the cases; the case's
# reference comes first, the facts an import leaves alone (status, dates) last.
EXPORT_COLUMNS = [
    ("reference", _attribute("reference")),
    ("source_reference", _attribute("source_reference")),
    ("title", _attribute("title")),
    ("category", lambda case: case.category.name),
    ("district", lambda case: case.district.name),
    ("risk_level", lambda case: _display(RiskLevel, case.risk_level)),
    ("source", lambda case: _display(Source, case.source)),
    ("owner", lambda case: case.owner.get_username()),
    *[(name, _attribute(name)) for name in (
        "description", "address", "responsible_unit", "lead_official", "contact_name")],
    # Personal data is exported masked, whoever exports (riskdesk.personal); an import
    # leaves a number that comes back masked as it is.
    ("contact_id_number", _attribute("contact_id_number_masked")),
    ("contact_phone", _attribute("contact_phone_masked")),
    ("target_date", _attribute("target_date")),
    ("people_affected", _attribute("people_affected")),
    ("people_helped", _attribute("people_helped")),
    ("amount_involved", lambda case: Money(case.amount_involved)),
    ("amount_recovered", lambda case: Money(case.amount_recovered)),
    *[(name, _detail("real_estate", name)) for name in (
        "project_name", "developer", "households_affected", "households_delivered")],
    ("stage", _detail("real_estate", "stage", HousingStage)),
    *[(name, _detail("wage_arrears", name)) for name in (
        "employer", "project", "petition_number")],
    ("scheme_type", _detail("mass_victim", "scheme_type", SchemeType)),
    ("police_case_number", _detail("mass_victim", "police_case_number")),
    ("status", lambda case: _display(Status, case.status)),
    ("next_follow_up_due", _attribute("next_follow_up_due")),
    ("created_at", lambda case: _local(case.created_at)),
    ("updated_at", lambda case: _local(case.updated_at)),
]
DETAILS = ("real_estate", "wage_arrears", "mass_victim")


def columns_of(query) -> list[str] | None:
    """The columns a list's query string (a QueryDict) asks the export for, or None."""
    names = [name for name in query.get(COLUMNS_PARAM, "").split(",") if name]
    return names or None


def selected(names=None) -> list:
    """The export's (name, accessor) columns: those named, in the order named (the
    columns the user chose on the list), else all of them."""
    if not names:
        return EXPORT_COLUMNS
    by_name = dict(EXPORT_COLUMNS)
    chosen = [(name, by_name[name]) for name in dict.fromkeys(names) if name in by_name]
    return chosen or EXPORT_COLUMNS


def headers(columns=None) -> list[str]:
    """The columns' headers in the active language: the import template's."""
    return [column_label(name) for name, _accessor in selected(columns)]


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


def _rows(queryset, columns=None):
    columns = selected(columns)
    cases = queryset.select_related("category", "district", "owner", *DETAILS).iterator(
        chunk_size=CHUNK_SIZE
    )
    for case in cases:
        yield [accessor(case) for _name, accessor in columns]


def csv_rows(queryset, columns=None):
    """CSV text, line by line: a BOM and the header, then one line per case; only
    ``columns`` (names) when given."""
    return csv_lines(headers(columns), _rows(queryset, columns))


def csv_lines(header, rows):
    """CSV text, line by line: a BOM and ``header``, then one line per row of ``rows``
    (every export's writer: the cases', the drills')."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values):
        buffer.seek(0)
        buffer.truncate(0)
        writer.writerow([neutralise(value) for value in values])
        return buffer.getvalue()

    yield BOM + line(header)
    for values in rows:
        yield line(values)


def _column_rows(objects, columns):
    for item in objects.iterator(chunk_size=CHUNK_SIZE):
        yield [column.value(item) for column in columns]


def column_csv(objects, columns):
    """CSV text of a list that has a column choice (``riskdesk.columns``): the
    ``columns`` (``Column``s) as the list shows them, labelled in the active language,
    one line per object of ``objects`` (scoped, filtered, reading what they need)."""
    return csv_lines([column.label for column in columns], _column_rows(objects, columns))


def write_column_xlsx(objects, path, columns) -> None:
    """The same as :func:`column_csv`, as an Excel workbook at ``path``."""
    write_sheet(path, title=objects.model._meta.verbose_name_plural,
                header=[column.label for column in columns],
                rows=_column_rows(objects, columns), wide=[column.wide for column in columns])


def _xlsx_text(value: str) -> str:
    # Control characters make the file unreadable; Excel refuses over-long cells.
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))[:XLSX_CELL_MAX]


def write_xlsx(queryset, path, columns=None) -> None:
    """Write the cases as an Excel workbook (one sheet, bold header) to ``path``; only
    ``columns`` (names) when given."""
    write_sheet(path, title=Case._meta.verbose_name_plural, header=headers(columns),
                rows=_rows(queryset, columns),
                wide=[name in {"title", "description"} for name, _accessor in selected(columns)])


def write_sheet(path, *, title, header, rows, wide) -> None:
    """Write ``rows`` under ``header`` as an Excel workbook (one sheet, bold header) to
    ``path``; ``wide`` says for each column whether it holds long text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(capfirst(title))[:31])
    sheet.freeze_panes = "A2"  # the header stays in view while scrolling
    for number, is_wide in enumerate(wide, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = 40 if is_wide else 16
    bold = Font(bold=True)
    header_cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)

    def styled(value, number_format):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell

    for values in rows:
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
