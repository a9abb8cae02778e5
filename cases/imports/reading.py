"""Reading an uploaded file into rows: the file itself (type, size, encoding, a zip
bomb), the CSV records or the workbook's first sheet, the header, and each cell's
text, number, amount, date or choice."""

import codecs
import contextlib
import csv
import io
import re
import zipfile
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from cases.imports.columns import (
    CHINESE_CHOICES,
    COLUMNS,
    EXCEL_MAX_ROWS,
    HEADERS,
    MAX_AMOUNT,
    MAX_COLUMNS,
    MAX_INTEGER,
    MAX_LINE_BYTES,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    REQUIRED,
    Row,
    match_key,
)
from riskdesk.files import MAX_RATIO, MAX_UNPACKED_BYTES, ZIP, clean_name


# ---------------------------------------------------------------- reading the file
def read_rows(upload) -> list[dict]:
    """The file's data rows (``Row`` dicts keyed by column name), or ``ValidationError``."""
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
    table = _csv_table(upload, name) if suffix == ".csv" else _xlsx_table(upload, name)
    try:
        return _table_rows(table, name)
    finally:
        table.close()


def check_file(upload) -> None:
    """Read the whole file once, so that a file that cannot be imported at all (wrong
    type, too big, a ZIP bomb, lines or columns over the limits) is refused at once,
    before a big import is queued; ``ValidationError`` says why."""
    try:
        read_rows(upload)
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


def _not_xlsx(name):
    return ValidationError(
        _("%(name)s is not really an Excel workbook (.xlsx): it cannot be opened. Open it "
          "in Excel and save it again as “Excel workbook (.xlsx)”.") % {"name": name}
    )


def _check_zip(upload, name):
    """A real OOXML workbook, and not a ZIP bomb (same limits as attachments)."""
    upload.seek(0)
    if upload.read(len(ZIP)) != ZIP:
        raise _not_xlsx(name)
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _not_xlsx(name) from None
    finally:
        upload.seek(0)
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        raise ValidationError(
            _("%(name)s unpacks to far more than its size; it is refused.") % {"name": name}
        )
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _not_xlsx(name)


def _xlsx_table(upload, name):
    _check_zip(upload, name)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # any parse error of an untrusted file means "cannot be opened"
        raise _not_xlsx(name) from None
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise _not_xlsx(name)
        sheet = sheets[0]
        sheet.reset_dimensions()  # never trust the size the file claims
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                break
            except Exception:
                raise _not_xlsx(name) from None
            number += 1
            yield number, values
    finally:
        workbook.close()


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table_rows(table, name) -> list[Row]:
    header = None
    rows = []
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
        if header is None:
            if all(is_empty(value) for value in values[:width]):
                continue
            header = _map_header(values[:width], number)
            continue
        row = Row(number)
        for index in range(width):
            value = values[index]
            if is_empty(value):
                continue
            column = header[index] if index < len(header) else None
            if column is None:
                raise ValidationError(
                    _("Cell %(cell)s has a value, but its column has no header. Give the "
                      "column a header from the template, or delete the column.")
                    % {"cell": f"{get_column_letter(index + 1)}{number}"}
                )
            row[column] = value
        if not row:
            continue
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise _too_many_rows(name)
    if header is None or not rows:
        raise ValidationError(
            _("%(name)s has no cases: the first row must be the header and the cases "
              "follow it, one per row.") % {"name": name}
        )
    return rows


def _too_many_rows(name):
    return ValidationError(
        _("%(name)s has more than %(limit)s rows; split it into smaller files.")
        % {"name": name, "limit": f"{MAX_ROWS:,}"}
    )


def _map_header(values, number) -> list[str | None]:
    """Column name per position (None for an empty header), or every header problem."""
    names, problems, seen = [], [], {}
    for index, value in enumerate(values):
        letter = get_column_letter(index + 1)
        text = cell_text(value)
        if not text:
            names.append(None)
            continue
        name = HEADERS.get(match_key(text))
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


# ---------------------------------------------------------------- reading cells
class BadCell(Exception):
    """One cell's problem; the message is shown to the user."""

def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


INTEGER_RE = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
AMOUNT_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")
NEGATIVE_RE = re.compile("[-\u2212]\\s*[\\d.,]+")  # hyphen or minus sign
DATE_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s+0?0:00(?::00)?)?")


def _negative(value):
    return BadCell(_("“%(value)s” is negative; figures cannot be below zero.") % {"value": value})


def cell_integer(value) -> int:
    if is_empty(value):
        return 0
    if isinstance(value, bool):
        raise BadCell(_("“%(value)s” is not a whole number.") % {"value": value})
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise BadCell(_("“%(value)s” is not a whole number.") % {"value": value})
        number = int(value)
    else:
        text = cell_text(value)
        if NEGATIVE_RE.fullmatch(text):
            raise _negative(text)
        if not INTEGER_RE.fullmatch(text):
            raise BadCell(_("“%(value)s” is not a whole number.") % {"value": text})
        number = int(text.replace(",", ""))
    if number < 0:
        raise _negative(value)
    if number > MAX_INTEGER:
        raise BadCell(_("“%(value)s” is too large.") % {"value": value})
    return number


def cell_amount(value) -> Decimal:
    if is_empty(value):
        return Decimal("0.00")
    if isinstance(value, bool):
        raise BadCell(_("“%(value)s” is not an amount in yuan.") % {"value": value})
    if isinstance(value, int | float):
        shown = cell_text(value)
        try:
            amount = Decimal(repr(value) if isinstance(value, float) else value)
        except InvalidOperation:
            raise BadCell(_("“%(value)s” is not an amount in yuan.") % {"value": shown}) from None
        if not amount.is_finite():
            raise BadCell(_("“%(value)s” is not an amount in yuan.") % {"value": shown})
    else:
        shown = cell_text(value)
        text = shown.lstrip("¥￥").removesuffix("元").strip()
        if NEGATIVE_RE.fullmatch(text):
            raise _negative(shown)
        if not AMOUNT_RE.fullmatch(text):
            raise BadCell(
                _("“%(value)s” is not an amount in yuan; write it like 1,250,000.00.")
                % {"value": shown}
            )
        amount = Decimal(text.replace(",", ""))
    if amount < 0:
        raise _negative(shown)
    if amount > MAX_AMOUNT:  # before quantize(), which fails on very long numbers
        raise BadCell(_("“%(value)s” is too large.") % {"value": shown})
    if amount != amount.quantize(Decimal("0.01")):
        raise BadCell(
            _("“%(value)s” has more than two decimal places (fen).") % {"value": shown}
        )
    return amount.quantize(Decimal("0.01"))


def cell_date(value) -> date | None:
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    match = DATE_RE.fullmatch(text)
    if match:
        with contextlib.suppress(ValueError):  # e.g. 2026-02-30: reported below
            return date(*(int(part) for part in match.groups()))
    raise BadCell(
        _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-09-30.")
        % {"value": text}
    )


def choice_lookup(choices) -> dict:
    """Value, English label and Chinese label (lower-cased keys) -> value."""
    lookup = {match_key(alias): value for alias, value in CHINESE_CHOICES.get(choices, {}).items()}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            lookup.update({match_key(str(member.label)): member.value for member in choices})
    lookup.update({match_key(member.value): member.value for member in choices})
    return lookup


def choices_shown(choices) -> str:
    return ", ".join(f"{member.value} ({member.label})" for member in choices)
