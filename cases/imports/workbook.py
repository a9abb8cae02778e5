"""Reading an Excel workbook (.xlsx) as clerks receive it: a real workbook and not a ZIP
bomb; the sheet to read (the active one, or the only visible one with the import's
header; never a hidden sheet; the user chooses when several could be meant); and cells
whose formula was saved without its value."""

import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from cases.imports.cells import Uncached, header_of
from riskdesk.files import MAX_RATIO, MAX_UNPACKED_BYTES, ZIP

# The header is looked for in this many rows from the top, under the title rows.
HEADER_SEARCH_ROWS = 30
# A row naming at least this many import columns is the header (a title never does).
HEADER_MIN_NAMES = 3


class ChooseSheet(ValidationError):
    """Several sheets could hold the cases: ``sheets`` are their names, for the user."""

    def __init__(self, message, sheets):
        super().__init__(message)
        self.sheets = sheets


def looks_like_header(values) -> bool:
    return sum(header_of(value) is not None for value in values) >= HEADER_MIN_NAMES


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


def _has_formulas(upload, name) -> bool:
    """Whether any sheet has a formula (after ``_check_zip``: unpacking is safe)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return any(
                _has_formula(archive, member) for member in archive.infolist()
                if member.filename.startswith("xl/worksheets/")
                and member.filename.endswith(".xml")
            )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        raise _not_xlsx(name) from None
    finally:
        upload.seek(0)


def _has_formula(archive, member) -> bool:
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            if b"<f>" in tail + chunk or b"<f " in tail + chunk:
                return True
            tail = chunk[-3:]
    return False


def _open(upload, name, *, data_only):
    upload.seek(0)
    try:
        return load_workbook(upload, read_only=True, data_only=data_only)
    except Exception:  # any parse error of an untrusted file means "cannot be opened"
        raise _not_xlsx(name) from None


def _rows(sheet, name):
    sheet.reset_dimensions()  # never trust the size the file claims
    rows = sheet.iter_rows(values_only=True)
    while True:
        try:
            yield next(rows)
        except StopIteration:
            return
        except Exception:
            raise _not_xlsx(name) from None


def _has_header(sheet, name) -> bool:
    for number, values in enumerate(_rows(sheet, name), start=1):
        if looks_like_header(values):
            return True
        if number >= HEADER_SEARCH_ROWS:
            break
    return False


def _choose(workbook, name, wanted):
    visible = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    if not visible:
        raise _not_xlsx(name)
    titles = "、".join(f"“{sheet.title}”" for sheet in visible)
    if wanted:
        for sheet in visible:
            if sheet.title == wanted:
                return sheet
        raise ValidationError(
            _("%(name)s has no visible sheet “%(sheet)s”; its sheets are %(sheets)s.")
            % {"name": name, "sheet": wanted, "sheets": titles}
        )
    active = workbook.active
    candidates = [sheet for sheet in visible if _has_header(sheet, name)]
    if active in candidates:
        return active
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        raise ChooseSheet(
            _("%(name)s has several sheets with a header of the import: %(sheets)s. "
              "Choose the sheet to import and upload the file again.")
            % {"name": name, "sheets": "、".join(f"“{sheet.title}”" for sheet in candidates)},
            [sheet.title for sheet in candidates],
        )
    return active if active in visible else visible[0]  # its header problems are reported


def xlsx_table(upload, name, sheet=None):
    """(row number, values) of the chosen sheet; a formula saved without its value is
    ``Uncached``."""
    _check_zip(upload, name)
    has_formulas = _has_formulas(upload, name)
    workbook = _open(upload, name, data_only=True)
    formulas = None
    try:
        chosen = _choose(workbook, name, sheet)
        rows = _rows(chosen, name)
        if has_formulas:  # the same sheet again, with its formulas instead of values
            formulas = _open(upload, name, data_only=False)
            formula_rows = _rows(formulas[chosen.title], name)
            rows = (_with_formulas(values, next(formula_rows, ())) for values in rows)
        yield from enumerate(rows, start=1)
    finally:
        workbook.close()
        if formulas is not None:
            formulas.close()


def _with_formulas(values, formulas):
    return tuple(
        Uncached(str(getattr(formula, "text", formula)))
        if value is None and _is_formula(formula) else value
        for value, formula in zip(values, (*formulas, *[None] * (len(values) - len(formulas))),
                                  strict=False)
    )


def _is_formula(value) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or hasattr(value, "text")
