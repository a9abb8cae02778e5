"""Reading an uploaded file into rows: the file itself (type, size, encoding), the CSV
records or the workbook's sheet (``workbook``), and the header, found by its names under
any title rows, on one row or two (a row of merged group headers above the names)."""

import codecs
import csv
import io
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from cases.imports.cells import BOM, Uncached, cell_text, header_of, is_empty
from cases.imports.columns import (
    COLUMNS,
    EXCEL_MAX_ROWS,
    MAX_COLUMNS,
    MAX_LINE_BYTES,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    READ_ONLY,
    REQUIRED,
    Row,
    column_label,
)
from cases.imports.workbook import HEADER_SEARCH_ROWS, looks_like_header, xlsx_table
from riskdesk.files import clean_name

# At most this many cells with a formula but no value are named; the rest are counted.
UNCACHED_SHOWN = 20


class Table(list):
    """The data rows, and the columns the file's header names (``columns``)."""

    columns: frozenset = frozenset()


# ---------------------------------------------------------------- reading the file
def read_rows(upload, *, sheet=None) -> Table:
    """The file's data rows (``Row`` dicts keyed by column name), or ``ValidationError``;
    ``sheet`` names the workbook's sheet to read when the user chose one."""
    name = clean_name(upload.name)
    suffix = PurePath(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(
            _("%(name)s cannot be imported: use a CSV (.csv) file or an Excel workbook "
              "(.xlsx). An older .xls workbook can be saved as .xlsx in Excel.")
            % {"name": name}
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; the largest file that can be imported is %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size),
               "limit": filesizeformat(MAX_UPLOAD_BYTES)}
        )
    if not upload.size:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    table = _csv_table(upload, name) if suffix == ".csv" else xlsx_table(upload, name, sheet)
    try:
        return _table_rows(table, name)
    finally:
        table.close()


def check_file(upload, *, sheet=None) -> None:
    """Read the whole file once, so that a file that cannot be imported at all (wrong
    type, too big, a ZIP bomb, lines or columns over the limits) is refused at once,
    before a big import is queued; ``ValidationError`` says why."""
    try:
        read_rows(upload, sheet=sheet)
    finally:
        upload.seek(0)


def _not_text(name):
    return ValidationError(
        _("%(name)s is not a CSV text file. In Excel, use “Save as” and choose "
          "“CSV UTF-8” or “Excel workbook (.xlsx)”.") % {"name": name}
    )


def _csv_table(upload, name):
    upload.seek(0)
    data = upload.read()
    if b"\x00" in data:  # binary files (and UTF-16 text) have NUL bytes; CSV never does
        raise _not_text(name)
    _check_line_lengths(data, name)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # what Chinese Excel writes for "CSV"
        except UnicodeDecodeError:
            raise _not_text(name) from None
    del data
    text = text.removeprefix(BOM)  # GB18030 has a byte-order mark of its own
    return _csv_records(io.StringIO(text, newline=""), name)  # the text is freed here


def _check_line_lengths(data: bytes, name):
    # "\n" is never part of a multi-byte character in UTF-8 or GB18030.
    start, line, size = 0, 1, len(data)
    while start < size:
        end = data.find(b"\n", start)
        end = size if end == -1 else end
        if end - start > MAX_LINE_BYTES:
            raise ValidationError(
                _("Line %(line)d of %(name)s is longer than 1 MB; a list of cases never has "
                  "such a line. Check that this is the right file.")
                % {"line": line, "name": name}
            )
        start, line = end + 1, line + 1


def _csv_records(lines, name):
    csv.field_size_limit(MAX_LINE_BYTES)  # a cell over the limit is a csv.Error
    reader = csv.reader(lines)
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            yield number, values
    except csv.Error:
        raise ValidationError(
            _("Row %(row)d of %(name)s cannot be read: a cell is longer than 1 MB. This "
              "usually means a quotation mark (\") opens a cell and is never closed.")
            % {"row": number + 1, "name": name}
        ) from None


def _table_rows(table, name) -> Table:
    header = None  # (row number, values) of the header, then its column names
    above = []  # the non-empty rows above the header: titles, dates, group headers
    rows = Table()
    uncached = []
    for number, values in table:
        if number > EXCEL_MAX_ROWS:
            raise _too_many_rows(name)
        width = len(values)
        while width and values[width - 1] is None:  # cells with only formatting
            width -= 1
        if width > MAX_COLUMNS:
            raise ValidationError(
                _("Row %(row)d of %(name)s has %(count)d columns; an import has at most "
                  "%(limit)d. Check that this is the right file.")
                % {"row": number, "name": name, "count": width, "limit": MAX_COLUMNS}
            )
        values = values[:width]
        if header is None:
            if all(is_empty(value) for value in values):
                continue
            if looks_like_header(values):
                if above and above[-1][0] == number - 1:  # names merged down from above
                    values = _merged(above[-1][1], values, keep_upper=False)
                header = (number, values)
                continue
            above.append((number, values))
            if len(above) >= HEADER_SEARCH_ROWS:
                _map_header(*above[0])  # no header anywhere: say what is wrong with row 1
            continue
        if isinstance(header, tuple):
            header_number, header_values = header
            if _is_sub_header(values):  # the names under a row of group headers
                header = _map_header(number, _merged(header_values, values))
                continue
            header = _map_header(header_number, header_values)
        row = _data_row(number, values, header, uncached)
        if not row:
            continue
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise _too_many_rows(name)
    if isinstance(header, tuple):
        header = _map_header(*header)
    if header is None and above:
        _map_header(*above[0])
    if uncached:
        raise _uncached_error(uncached)
    if header is None or not rows:
        raise ValidationError(
            _("%(name)s has no cases: the header row names the columns, and the cases "
              "follow it, one per row.") % {"name": name}
        )
    rows.columns = frozenset(name for name in header if name)
    return rows


def _is_sub_header(values) -> bool:
    names = [value for value in values if not is_empty(value)]
    return bool(names) and all(header_of(value) for value in names)


def _merged(upper, lower, *, keep_upper=True):
    """One header from two rows: a name in the lower row wins over the group above it;
    a name merged over both rows is in the upper one. ``keep_upper``: the upper row's
    other cells are kept too (to be reported if they are no column's name)."""
    width = max(len(upper), len(lower))
    upper = (*upper, *[None] * (width - len(upper)))
    lower = (*lower, *[None] * (width - len(lower)))
    return [
        below if header_of(below) else above if keep_upper or header_of(above) else below
        for above, below in zip(upper, lower, strict=True)
    ]


def _data_row(number, values, header, uncached) -> Row:
    row = Row(number)
    for index, value in enumerate(values):
        if is_empty(value):
            continue
        column = header[index] if index < len(header) else None
        if column is None:
            raise ValidationError(
                _("Cell %(cell)s has a value, but its column has no header. Give the "
                  "column a header from the template, or delete the column.")
                % {"cell": f"{get_column_letter(index + 1)}{number}"}
            )
        if isinstance(value, Uncached):
            uncached.append((f"{get_column_letter(index + 1)}{number}", column, value.formula))
            continue
        if column not in READ_ONLY:  # an export's status and dates: not imported
            row[column] = value
    return row


def _uncached_error(uncached):
    problems = [
        _("Cell %(cell)s (%(column)s) holds the formula %(formula)s, but its value was not "
          "saved with the file.") % {"cell": cell, "column": column_label(column),
                                     "formula": formula}
        for cell, column, formula in uncached[:UNCACHED_SHOWN]
    ]
    if len(uncached) > UNCACHED_SHOWN:
        problems.append(_("%(count)d more cells hold formulas without values.")
                        % {"count": len(uncached) - UNCACHED_SHOWN})
    problems.append(_(
        "The program that wrote the file did not calculate its formulas, so their values "
        "are unknown and nothing was imported. Open the file in Excel or WPS and save it "
        "again, or replace the formulas by their values."))
    return ValidationError(problems)


def _too_many_rows(name):
    return ValidationError(
        _("%(name)s has more than %(limit)s rows; split it into smaller files.")
        % {"name": name, "limit": f"{MAX_ROWS:,}"}
    )


def _map_header(number, values) -> list[str | None]:
    """Column name per position (None for an empty header), or every header problem."""
    names, problems, seen = [], [], {}
    for index, value in enumerate(values):
        letter = get_column_letter(index + 1)
        text = cell_text(value)
        if not text:
            names.append(None)
            continue
        name = header_of(text)
        if name is None:
            problems.append(
                _("Column %(letter)s: “%(header)s” is not a column of the import. Check the "
                  "spelling against the template.") % {"letter": letter, "header": text}
            )
        elif name in seen:
            problems.append(
                _("Column %(letter)s: “%(header)s” repeats column %(other)s.")
                % {"letter": letter, "header": text, "other": seen[name]}
            )
            name = None
        else:
            seen[name] = letter
        names.append(name)
    for name in REQUIRED:
        if name not in seen:
            problems.append(
                _("The required column “%(column)s” (%(chinese)s) is missing from row "
                  "%(row)d.") % {"column": name, "chinese": COLUMNS[name].chinese, "row": number}
            )
    if problems:
        raise ValidationError(problems)
    return names
