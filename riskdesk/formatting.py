"""Numbers as people in each language write them (the pages' ``|money`` filter and the
work summary share these)."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language
from django.utils.translation import gettext as _

WAN = Decimal(10_000)


def money(value, *, trim: bool = False):
    """``1234567`` → "1,234,567.00 yuan" (English), "123.46万元" (Chinese); amounts under
    10,000 stay in 元 ("9,800.00元"). Empty → "—". ``trim`` drops zero decimals for prose
    ("49,960,000 yuan", "4,996万元")."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    if (get_language() or "").startswith("zh") and abs(amount) >= WAN:
        return _("%(amount)s ten thousand yuan") % {"amount": _grouped(amount / WAN, trim)}
    return _("%(amount)s yuan") % {"amount": _grouped(amount, trim)}


def _grouped(amount: Decimal, trim: bool) -> str:
    text = f"{amount:,.2f}"
    return text.removesuffix(".00") if trim else text


def number(value) -> str:
    return f"{int(value or 0):,}"


def percent(share: float | None) -> str:
    if share is None:
        return "-"
    return f"{share * 100:.1f}%"
