"""Reading one cell: its text, whole number, amount in yuan, date or choice, as clerks
type them (2026年3月5日, 128万元, full-width commas, Excel date serials); a cell that
cannot be read raises ``BadCell`` with a message for the user."""

import contextlib
import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from cases.imports.columns import CHINESE_CHOICES, HEADERS, MAX_AMOUNT, MAX_INTEGER, match_key

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@")  # what an export protects with an apostrophe


class BadCell(Exception):
    """One cell's problem; the message is shown to the user."""


class Uncached(NamedTuple):
    """A formula cell saved without its calculated value (written by a program that does
    not calculate): its value is unknown, so it is never read as empty or 0."""

    formula: str


def is_empty(value) -> bool:
    if not isinstance(value, str):
        return value is None
    text = value.strip()
    return not text or (BOM in text and not text.replace(BOM, "").strip())


def cell_text(value) -> str:
    if value is None or isinstance(value, Uncached):
        return ""
    if isinstance(value, str):
        text = value.replace(BOM, "").strip()  # a byte-order mark is never part of a value
        # An export writes '=… so that a spreadsheet shows it as text: the text is =….
        return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_STARTS else text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def header_of(value) -> str | None:
    """The import column a header cell names, or None."""
    return HEADERS.get(match_key(cell_text(value))) if cell_text(value) else None


def _plain(text: str) -> str:
    """Full-width digits, commas, points and ￥ as their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", text).strip()


INTEGER_RE = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
AMOUNT_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")
NEGATIVE_RE = re.compile("[-\u2212]\\s*[\\d.,]+")  # hyphen or minus sign
DATE_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s+0?0:00(?::00)?)?")
CHINESE_DATE_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]")
SERIAL_RE = re.compile(r"\d{5}(?:\.\d+)?")
# Excel date serials read as dates: 2000-01-01 to 2099-12-31. Outside, a number in a
# date column is more likely a typo than a date, and is reported.
FIRST_SERIAL, LAST_SERIAL = 36526, 73050
AMOUNT_UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}


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
        shown = cell_text(value)
        text = _plain(shown)
        if NEGATIVE_RE.fullmatch(text):
            raise _negative(shown)
        if not INTEGER_RE.fullmatch(text):
            raise BadCell(_("“%(value)s” is not a whole number.") % {"value": shown})
        number = int(text.replace(",", ""))
    if number < 0:
        raise _negative(value)
    if number > MAX_INTEGER:
        raise BadCell(_("“%(value)s” is too large.") % {"value": value})
    return number


def cell_amount(value) -> Decimal:
    """An amount in yuan: a number, or text like 1,250,000.00 (full-width too) or 128万元."""
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
        text = _plain(shown).removeprefix("人民币").lstrip("¥").removesuffix("元")
        unit = AMOUNT_UNITS.get(text[-1:], Decimal(1))
        text = text[:-1] if unit != 1 else text
        if NEGATIVE_RE.fullmatch(text):
            raise _negative(shown)
        if not AMOUNT_RE.fullmatch(text):
            raise BadCell(
                _("“%(value)s” is not an amount in yuan; write it like 1,250,000.00 or "
                  "125万元.") % {"value": shown}
            )
        amount = Decimal(text.replace(",", "")) * unit
    if amount < 0:
        raise _negative(shown)
    if amount > MAX_AMOUNT:  # before quantize(), which fails on very long numbers
        raise BadCell(_("“%(value)s” is too large.") % {"value": shown})
    if amount != amount.quantize(Decimal("0.01")):
        raise BadCell(
            _("“%(value)s” has more than two decimal places (fen).") % {"value": shown}
        )
    return amount.quantize(Decimal("0.01"))


def _serial_date(number) -> date | None:
    if FIRST_SERIAL <= number <= LAST_SERIAL:
        return from_excel(number).date()
    return None


def cell_date(value) -> date | None:
    """A date cell, or text like 2026-03-05, 2026/3/5, 2026年3月5日, or the Excel serial
    number (46086) that a date becomes in a cell formatted as text or General."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    found = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        found = _serial_date(value)
    text = cell_text(value)
    plain = _plain(text)
    match = DATE_RE.fullmatch(plain) or CHINESE_DATE_RE.fullmatch(plain)
    if match:
        with contextlib.suppress(ValueError):  # e.g. 2026-02-30: reported below
            found = date(*(int(part) for part in match.groups()))
    elif found is None and SERIAL_RE.fullmatch(plain):
        found = _serial_date(float(plain))
    if found is not None:
        return found
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
