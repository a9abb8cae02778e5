"""Import of the rolling investigation (滚动排查) list from a CSV or Excel file.

The whole file is checked first. If any row has a problem, nothing is written and every
problem is reported with its spreadsheet row (the header is row 1) and its column.
Otherwise all new rows are inserted in one transaction; rows whose source reference already
exists in their district are skipped, so importing the same file again creates nothing
twice. Problems with the file itself (type, size, encoding, headers) raise
``ValidationError``.
"""

import codecs
import contextlib
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cases.actions import allocate_references, can_register, eligible_owners
from cases.choices import (
    CategoryKind,
    EventKind,
    HousingStage,
    RiskLevel,
    SchemeType,
    Source,
    Status,
)
from cases.models import (
    Case,
    CaseEvent,
    Category,
    FollowUpInterval,
    MassVictimDetails,
    RealEstateDetails,
    WageArrearsDetails,
)
from riskdesk.access import scope_of
from riskdesk.files import MAX_RATIO, MAX_UNPACKED_BYTES, ZIP, clean_name
from riskdesk.models import District
from riskdesk.personal import normalise_phone, normalise_resident_id

# ---------------------------------------------------------------- limits
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
MAX_LINE_BYTES = 1024 * 1024
MAX_COLUMNS = 200
MAX_ROWS = 100_000
EXCEL_MAX_ROWS = 1_048_576  # a sheet claiming rows beyond this is not a real workbook
BATCH_SIZE = 1000
MAX_INTEGER = 2_147_483_647  # PositiveIntegerField on every database
MAX_AMOUNT = Decimal("99999999999999.99")  # DecimalField(max_digits=16, decimal_places=2)


# ---------------------------------------------------------------- the columns
class ImportColumn(NamedTuple):
    name: str
    chinese: str
    required: bool
    help: str


IMPORT_COLUMNS = [
    ImportColumn("source_reference", "来源编号", True, gettext_lazy(
        "The row's identifier in the investigation list, at most 64 characters. A row "
        "whose identifier already exists in its district is skipped, so the same list can "
        "be imported again.")),
    ImportColumn("title", "标题", True, gettext_lazy(
        "A short description of the problem, at most 200 characters.")),
    ImportColumn("category", "类别", True, gettext_lazy(
        "The category's code, or its English or Chinese name.")),
    ImportColumn("district", "地区", True, gettext_lazy(
        "The district's code, or its English or Chinese name. District staff can import "
        "cases only into their own district.")),
    ImportColumn("risk_level", "风险等级", True, gettext_lazy(
        "major, high, medium or low, or the level's English or Chinese name.")),
    ImportColumn("source", "来源", False, gettext_lazy(
        "Where the case came from: rolling (the default when empty), petition, hotline, "
        "police, media or inspection, or its English or Chinese name.")),
    ImportColumn("owner", "责任人", False, gettext_lazy(
        "The user name of the person in charge. District staff may leave it empty to own "
        "the cases themselves; supervisors must fill it in.")),
    ImportColumn("description", "情况描述", False, gettext_lazy(
        "What the problem is, who is affected and what has been done so far.")),
    ImportColumn("address", "地址", False, gettext_lazy("Where it is, at most 300 characters.")),
    ImportColumn("responsible_unit", "责任单位", False, gettext_lazy(
        "The department or unit responsible for resolving it.")),
    ImportColumn("lead_official", "包案领导", False, gettext_lazy(
        "The leading official in charge of the case.")),
    ImportColumn("contact_name", "联系人", False, gettext_lazy(
        "The person to contact about the case, at most 100 characters.")),
    ImportColumn("contact_id_number", "联系人身份证号", False, gettext_lazy(
        "The contact's 18-character resident ID number (checked, shown masked).")),
    ImportColumn("contact_phone", "联系电话", False, gettext_lazy(
        "The contact's mobile number, or a landline with its area code, e.g. 0472-5123456 "
        "(shown masked).")),
    ImportColumn("target_date", "计划化解日期", False, gettext_lazy(
        "The date by which it should be resolved, as YYYY-MM-DD, e.g. 2026-09-30.")),
    ImportColumn("people_affected", "涉及人数", False, gettext_lazy(
        "A whole number, 0 or more (workers for wage arrears, victims for mass-victim "
        "cases).")),
    ImportColumn("people_helped", "已化解人数", False, gettext_lazy(
        "A whole number, not more than the people affected.")),
    ImportColumn("amount_involved", "涉及金额", False, gettext_lazy(
        "In yuan, 0 or more, at most two decimals, e.g. 1,250,000.00.")),
    ImportColumn("amount_recovered", "已追回金额", False, gettext_lazy(
        "In yuan, not more than the amount involved.")),
    ImportColumn("project_name", "项目名称", False, gettext_lazy(
        "Real estate: the housing project; needed when any real-estate column is filled "
        "in.")),
    ImportColumn("developer", "开发商", False, gettext_lazy("Real estate: the developer.")),
    ImportColumn("households_affected", "涉及户数", False, gettext_lazy(
        "Real estate: households affected, a whole number.")),
    ImportColumn("households_delivered", "已交付户数", False, gettext_lazy(
        "Real estate: households that have received their homes, not more than those "
        "affected.")),
    ImportColumn("stage", "项目阶段", False, gettext_lazy(
        "Real estate: halted (the default), reorganisation, resumed, delivering or "
        "delivered, or the stage's English or Chinese name.")),
    ImportColumn("employer", "欠薪单位", False, gettext_lazy(
        "Wage arrears: the employer who owes the wages; needed when any wage-arrears column "
        "is filled in.")),
    ImportColumn("project", "所在项目", False, gettext_lazy(
        "Wage arrears: the project the workers worked on.")),
    ImportColumn("petition_number", "信访件编号", False, gettext_lazy(
        "Wage arrears: the number of the linked petition.")),
    ImportColumn("scheme_type", "案件类型", False, gettext_lazy(
        "Mass-victim cases: illegal_fundraising, investment_fraud, pyramid or other, or the "
        "type's English or Chinese name; needed when any mass-victim column is filled in.")),
    ImportColumn("police_case_number", "公安立案编号", False, gettext_lazy(
        "Mass-victim cases: the police case number.")),
]
COLUMNS = {column.name: column for column in IMPORT_COLUMNS}
REQUIRED = [column.name for column in IMPORT_COLUMNS if column.required]

TEXT_FIELDS = [
    "source_reference", "title", "description", "address", "responsible_unit", "lead_official",
    "contact_name",
]
PERSONAL_NUMBERS = {"contact_id_number": normalise_resident_id, "contact_phone": normalise_phone}
KIND_COLUMNS = {
    CategoryKind.REAL_ESTATE: [
        "project_name", "developer", "households_affected", "households_delivered", "stage",
    ],
    CategoryKind.WAGE_ARREARS: ["employer", "project", "petition_number"],
    CategoryKind.MASS_VICTIM: ["scheme_type", "police_case_number"],
}
KIND_OF_COLUMN = {name: kind for kind, names in KIND_COLUMNS.items() for name in names}
DETAILS_REQUIRED = {
    CategoryKind.REAL_ESTATE: "project_name",
    CategoryKind.WAGE_ARREARS: "employer",
    CategoryKind.MASS_VICTIM: "scheme_type",
}
DETAILS_MODEL = {
    CategoryKind.REAL_ESTATE: RealEstateDetails,
    CategoryKind.WAGE_ARREARS: WageArrearsDetails,
    CategoryKind.MASS_VICTIM: MassVictimDetails,
}
MAX_LENGTHS = {
    **{name: Case._meta.get_field(name).max_length for name in TEXT_FIELDS},
    **{
        name: DETAILS_MODEL[kind]._meta.get_field(name).max_length
        for kind, names in KIND_COLUMNS.items() for name in names
        if DETAILS_MODEL[kind]._meta.get_field(name).get_internal_type() == "CharField"
        and not DETAILS_MODEL[kind]._meta.get_field(name).choices
    },
}

# Chinese names accepted for choices besides the catalogue's translations.
CHINESE_CHOICES = {
    RiskLevel: {"重大": RiskLevel.MAJOR, "较大": RiskLevel.HIGH, "一般": RiskLevel.MEDIUM,
                "低": RiskLevel.LOW, "较低": RiskLevel.LOW},
    Source: {"滚动排查": Source.ROLLING, "信访": Source.PETITION, "12345热线": Source.HOTLINE,
             "12345": Source.HOTLINE, "公安移交": Source.POLICE, "媒体": Source.MEDIA,
             "督导检查": Source.INSPECTION},
    HousingStage: {"停工": HousingStage.HALTED, "停工停建": HousingStage.HALTED,
                   "破产重整": HousingStage.REORGANISATION, "复工": HousingStage.RESUMED,
                   "复工续建": HousingStage.RESUMED, "分批交付": HousingStage.DELIVERING,
                   "已交付": HousingStage.DELIVERED},
    SchemeType: {"非法集资": SchemeType.ILLEGAL_FUNDRAISING,
                 "投资诈骗": SchemeType.INVESTMENT_FRAUD, "传销": SchemeType.PYRAMID,
                 "其他": SchemeType.OTHER},
}


def _key(text) -> str:
    """Headers and names compared without case, spaces, hyphens or required-marks."""
    return re.sub(r"[\s\-_*]+", "_", str(text).strip().lower()).strip("_")


HEADERS = {
    **{_key(column.name): column.name for column in IMPORT_COLUMNS},
    **{_key(column.chinese): column.name for column in IMPORT_COLUMNS},
}


# ---------------------------------------------------------------- results
@dataclass
class RowError:
    row: int  # the spreadsheet row; the header is row 1
    column: str  # the column's name, as in IMPORT_COLUMNS
    message: str


@dataclass
class ImportResult:
    created: int
    skipped: int
    errors: list[RowError] = field(default_factory=list)


class Row(dict):
    """One data row: column name -> the cell's value, with its spreadsheet row number."""

    def __init__(self, number: int):
        super().__init__()
        self.number = number


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


def _empty(value) -> bool:
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
            if all(_empty(value) for value in values[:width]):
                continue
            header = _map_header(values[:width], number)
            continue
        row = Row(number)
        for index in range(width):
            value = values[index]
            if _empty(value):
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
        text = _text(value)
        if not text:
            names.append(None)
            continue
        name = HEADERS.get(_key(text))
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
class _Bad(Exception):
    """One cell's problem; the message is shown to the user."""


def _text(value) -> str:
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
    return _Bad(_("“%(value)s” is negative; figures cannot be below zero.") % {"value": value})


def _integer(value) -> int:
    if _empty(value):
        return 0
    if isinstance(value, bool):
        raise _Bad(_("“%(value)s” is not a whole number.") % {"value": value})
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise _Bad(_("“%(value)s” is not a whole number.") % {"value": value})
        number = int(value)
    else:
        text = _text(value)
        if NEGATIVE_RE.fullmatch(text):
            raise _negative(text)
        if not INTEGER_RE.fullmatch(text):
            raise _Bad(_("“%(value)s” is not a whole number.") % {"value": text})
        number = int(text.replace(",", ""))
    if number < 0:
        raise _negative(value)
    if number > MAX_INTEGER:
        raise _Bad(_("“%(value)s” is too large.") % {"value": value})
    return number


def _amount(value) -> Decimal:
    if _empty(value):
        return Decimal("0.00")
    if isinstance(value, bool):
        raise _Bad(_("“%(value)s” is not an amount in yuan.") % {"value": value})
    if isinstance(value, int | float):
        shown = _text(value)
        try:
            amount = Decimal(repr(value) if isinstance(value, float) else value)
        except InvalidOperation:
            raise _Bad(_("“%(value)s” is not an amount in yuan.") % {"value": shown}) from None
        if not amount.is_finite():
            raise _Bad(_("“%(value)s” is not an amount in yuan.") % {"value": shown})
    else:
        shown = _text(value)
        text = shown.lstrip("¥￥").removesuffix("元").strip()
        if NEGATIVE_RE.fullmatch(text):
            raise _negative(shown)
        if not AMOUNT_RE.fullmatch(text):
            raise _Bad(
                _("“%(value)s” is not an amount in yuan; write it like 1,250,000.00.")
                % {"value": shown}
            )
        amount = Decimal(text.replace(",", ""))
    if amount < 0:
        raise _negative(shown)
    if amount > MAX_AMOUNT:  # before quantize(), which fails on very long numbers
        raise _Bad(_("“%(value)s” is too large.") % {"value": shown})
    if amount != amount.quantize(Decimal("0.01")):
        raise _Bad(
            _("“%(value)s” has more than two decimal places (fen).") % {"value": shown}
        )
    return amount.quantize(Decimal("0.01"))


def _date(value) -> date | None:
    if _empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = DATE_RE.fullmatch(text)
    if match:
        with contextlib.suppress(ValueError):  # e.g. 2026-02-30: reported below
            return date(*(int(part) for part in match.groups()))
    raise _Bad(
        _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-09-30.")
        % {"value": text}
    )


def _choice_lookup(choices) -> dict:
    """Value, English label and Chinese label (lower-cased keys) -> value."""
    lookup = {_key(alias): value for alias, value in CHINESE_CHOICES.get(choices, {}).items()}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            lookup.update({_key(str(member.label)): member.value for member in choices})
    lookup.update({_key(member.value): member.value for member in choices})
    return lookup


def _choices_shown(choices) -> str:
    return ", ".join(f"{member.value} ({member.label})" for member in choices)


# ---------------------------------------------------------------- checking rows
@dataclass
class _Clean:
    row: int
    case: dict
    kind: str | None
    details: dict | None


class _Checker:
    """Checks rows against the database, which it reads once (lookups in dicts)."""

    def __init__(self, user):
        self.user = user
        self.scope = scope_of(user)
        self.errors: list[RowError] = []
        self.categories = {}
        for category in Category.objects.all():
            for name in (category.name_en, category.name_zh, category.code):
                self.categories[_key(name)] = category
        self.districts = {}
        for district in District.objects.all():
            for name in (district.name_en, district.name_zh, district.code):
                self.districts[_key(name)] = district
        self.owners = {}  # district id -> {user name: user id}, filled once per district
        self.choices = {
            choices: _choice_lookup(choices)
            for choices in (RiskLevel, Source, HousingStage, SchemeType)
        }
        self.seen = {}  # (district id, source reference) -> row number
        self._own_districts = None

    def owners_of(self, district_id) -> dict:
        if district_id not in self.owners:
            names = dict(eligible_owners(district_id).values_list("username", "pk"))
            self.owners[district_id] = names
        return self.owners[district_id]

    def check(self, rows) -> list[_Clean]:
        cleaned = []
        for row in rows:
            clean = self.check_row(row)
            if clean is not None:
                cleaned.append(clean)
        return cleaned

    def check_row(self, row: Row) -> _Clean | None:
        errors_before = len(self.errors)
        number = row.number

        def error(column, message):
            self.errors.append(RowError(number, column, str(message)))

        values = {}
        for name in TEXT_FIELDS:
            text = _text(row.get(name))
            if not text and name in REQUIRED:
                error(name, _("This column must be filled in."))
            elif len(text) > (MAX_LENGTHS[name] or len(text)):
                error(name, self.too_long(text, MAX_LENGTHS[name]))
            values[name] = text

        for name, normalise in PERSONAL_NUMBERS.items():
            text = _text(row.get(name))
            try:
                values[name] = normalise(text) if text else ""
            except ValidationError as problem:
                error(name, " ".join(problem.messages))

        category = self.lookup(row, "category", self.categories, error,
                               self.unknown_category)
        if category is not None and not category.is_active:
            error("category", _("The category %(category)s is no longer in use; choose "
                                "another.") % {"category": category.name})
        district = self.lookup(row, "district", self.districts, error,
                               self.unknown_district)
        if district is not None and not district.is_active:
            error("district", _("%(district)s is no longer in use.")
                  % {"district": district.name})
            district = None
        elif district is not None and not self.scope.covers(district.pk):
            error("district", _(
                "%(district)s is not one of your districts; you can import cases only "
                "into: %(known)s.") % {"district": district.name, "known": self.own_districts()})
            district = None

        for name, choices, default in (
            ("risk_level", RiskLevel, None), ("source", Source, Source.ROLLING)
        ):
            values[name] = self.choice(row, name, choices, default, error)
        owner_id = self.owner(row, district, error)

        try:
            values["target_date"] = _date(row.get("target_date"))
        except _Bad as problem:
            error("target_date", problem)
        for name in ("people_affected", "people_helped"):
            try:
                values[name] = _integer(row.get(name))
            except _Bad as problem:
                error(name, problem)
                values[name] = None
        for name in ("amount_involved", "amount_recovered"):
            try:
                values[name] = _amount(row.get(name))
            except _Bad as problem:
                error(name, problem)
                values[name] = None
        if None not in (values["people_helped"], values["people_affected"]) and (
            values["people_helped"] > values["people_affected"]
        ):
            error("people_helped", _(
                "%(helped)s people helped is more than the %(affected)s affected."
            ) % {"helped": values["people_helped"], "affected": values["people_affected"]})
        if None not in (values["amount_recovered"], values["amount_involved"]) and (
            values["amount_recovered"] > values["amount_involved"]
        ):
            error("amount_recovered", _(
                "%(recovered)s recovered is more than the %(involved)s involved."
            ) % {"recovered": values["amount_recovered"], "involved": values["amount_involved"]})

        kind, details = self.details(row, category, error)

        reference = values["source_reference"]
        if district is not None and reference:
            first = self.seen.setdefault((district.pk, reference), number)
            if first != number:
                error("source_reference", _(
                    "“%(value)s” is already used for %(district)s in row %(row)d of this file."
                ) % {"value": reference, "district": district.name, "row": first})

        if len(self.errors) > errors_before:
            return None
        values.update(category_id=category.pk, district_id=district.pk, owner_id=owner_id)
        return _Clean(row=number, case=values, kind=kind, details=details)

    @staticmethod
    def too_long(text, limit):
        return _("This text has %(length)d characters; at most %(limit)d are allowed.") % {
            "length": len(text), "limit": limit,
        }

    def own_districts(self) -> str:
        if self._own_districts is None:
            districts = {d.pk: d for d in self.districts.values()}.values()
            self._own_districts = ", ".join(
                d.name for d in sorted(districts, key=lambda d: d.code)
                if d.is_active and self.scope.covers(d.pk)
            ) or "-"
        return self._own_districts

    def lookup(self, row, name, table, error, unknown):
        text = _text(row.get(name))
        if not text:
            error(name, _("This column must be filled in."))
            return None
        found = table.get(_key(text))
        if found is None:
            error(name, unknown(text))
        return found

    def unknown_category(self, text):
        active = {c.pk: c for c in self.categories.values() if c.is_active}.values()
        return _("There is no category “%(value)s”. The categories are: %(known)s.") % {
            "value": text, "known": ", ".join(c.name for c in active) or "-",
        }

    def unknown_district(self, text):
        return _("There is no district “%(value)s”. Your districts are: %(known)s.") % {
            "value": text, "known": self.own_districts(),
        }

    def choice(self, row, name, choices, default, error):
        text = _text(row.get(name))
        if not text:
            if default is None:
                error(name, _("This column must be filled in."))
            return default
        value = self.choices[choices].get(_key(text))
        if value is None:
            error(name, _("“%(value)s” is not one of: %(choices)s.") % {
                "value": text, "choices": _choices_shown(choices),
            })
        return value

    def owner(self, row, district, error):
        text = _text(row.get("owner"))
        if not text:
            if not self.scope.is_staff:
                error("owner", _("Give the user name of the person in charge of this case."))
                return None
            text = self.user.get_username()
        if district is None:
            return None  # the district's own error is reported
        owners = self.owners_of(district.pk)
        owner_id = owners.get(text)
        if owner_id is None:
            matches = [pk for name, pk in owners.items() if name.lower() == text.lower()]
            owner_id = matches[0] if len(matches) == 1 else None
        if owner_id is None:
            error("owner", _(
                "“%(value)s” cannot own cases of %(district)s: give the user name of an "
                "active staff member or supervisor of that district."
            ) % {"value": text, "district": district.name})
        return owner_id

    def details(self, row, category, error):
        """The kind details for the category, when any of its columns is filled in."""
        given = [name for name in KIND_OF_COLUMN if not _empty(row.get(name))]
        if category is None or not given:
            return None, None
        kind = category.kind
        own = KIND_COLUMNS.get(kind, [])
        for name in given:
            if name not in own:
                error(name, _(
                    "This column is for “%(kind)s” cases only; leave it empty for the "
                    "category %(category)s."
                ) % {"kind": CategoryKind(KIND_OF_COLUMN[name]).label,
                     "category": category.name})
        if not any(name in own for name in given):
            return None, None
        details = {}
        for name in own:
            value = row.get(name)
            try:
                if name in ("households_affected", "households_delivered"):
                    details[name] = _integer(value)
                elif name == "stage":
                    details[name] = self.choice(row, name, HousingStage, HousingStage.HALTED,
                                                error)
                elif name == "scheme_type":
                    details[name] = self.choice(row, name, SchemeType, "", error) or None
                else:
                    text = _text(value)
                    if len(text) > MAX_LENGTHS[name]:
                        raise _Bad(self.too_long(text, MAX_LENGTHS[name]))
                    details[name] = text
            except _Bad as problem:
                error(name, problem)
                details[name] = None
        required = DETAILS_REQUIRED[kind]
        if _empty(row.get(required)):
            error(required, _(
                "Needed when other “%(kind)s” columns are filled in."
            ) % {"kind": CategoryKind(kind).label})
        affected = details.get("households_affected")
        delivered = details.get("households_delivered")
        if affected is not None and delivered is not None and delivered > affected:
            error("households_delivered", _(
                "%(delivered)s households delivered is more than the %(affected)s affected."
            ) % {"delivered": delivered, "affected": affected})
        if details.get("scheme_type") is None:
            details.pop("scheme_type", None)
        return kind, details


# ---------------------------------------------------------------- the import
def import_cases(*, user, upload) -> ImportResult:
    """Check the whole file, then create its new cases in one transaction (or none)."""
    if not can_register(user):
        raise ValidationError(_("Your role cannot import cases."))
    rows = read_rows(upload)
    checker = _Checker(user)
    cleaned = checker.check(rows)
    del rows
    if checker.errors:
        return ImportResult(created=0, skipped=0, errors=checker.errors)
    district_ids = {clean.case["district_id"] for clean in cleaned}
    existing = set(
        Case.objects.for_user(user).filter(district_id__in=district_ids)
        .exclude(source_reference="")
        .values_list("district_id", "source_reference")
        .iterator(chunk_size=10_000)
    )
    new = [
        clean for clean in cleaned
        if (clean.case["district_id"], clean.case["source_reference"]) not in existing
    ]
    if new:
        try:
            _insert(new, user=user, file_name=clean_name(upload.name))
        except IntegrityError:
            raise ValidationError(_(
                "Someone else imported some of these rows at the same moment, so nothing was "
                "imported. Import the file again: the rows already imported will be skipped."
            )) from None
    return ImportResult(created=len(new), skipped=len(cleaned) - len(new), errors=[])


@transaction.atomic
def _insert(new: list[_Clean], *, user, file_name: str) -> None:
    references = allocate_references(len(new))
    now = timezone.now()
    today = timezone.localdate()
    next_due = {
        level: today + timedelta(days=FollowUpInterval.days_for(level))
        for level in {clean.case["risk_level"] for clean in new}
    }
    for start in range(0, len(new), BATCH_SIZE):
        batch = new[start:start + BATCH_SIZE]
        cases = [
            Case(
                reference=reference, status=Status.REPORTED,
                next_follow_up_due=next_due[clean.case["risk_level"]],
                created_at=now, updated_at=now, created_by=user, updated_by=user,
                **clean.case,
            )
            for clean, reference in zip(batch, references[start:start + BATCH_SIZE],
                                        strict=True)
        ]
        Case.objects.bulk_create(cases, batch_size=BATCH_SIZE)
        if any(case.pk is None for case in cases):  # a database without RETURNING
            ids = dict(
                Case.objects.filter(reference__in=[case.reference for case in cases])
                .values_list("reference", "pk")
            )
            for case in cases:
                case.pk = ids[case.reference]
        details = {}
        for clean, case in zip(batch, cases, strict=True):
            if clean.details is not None:
                model = DETAILS_MODEL[clean.kind]
                details.setdefault(model, []).append(model(case_id=case.pk, **clean.details))
        for model, objects in details.items():
            model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case_id=case.pk, kind=EventKind.IMPORTED, user=user, at=now,
                    data={"status": case.status, "source_reference": case.source_reference,
                          "file": file_name},
                )
                for case in cases
            ],
            batch_size=BATCH_SIZE,
        )


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
        return _text(value)

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
