"""Numbers as people in each language write them."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

TEN_THOUSAND = Decimal(10000)


def _grouped(amount: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    text = f"{amount.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def money(amount) -> str:
    """An amount in yuan: ``49,960,000 yuan`` in English, ``4,996万元`` in Chinese.

    Chinese offices count money in 万元 (ten thousand yuan) from ten thousand up.
    """
    amount = Decimal(amount or 0)
    if (get_language() or "").startswith("zh"):
        if abs(amount) >= TEN_THOUSAND:
            return _("%(amount)s ten thousand yuan") % {
                "amount": _grouped(amount / TEN_THOUSAND, 2)}
        return _("%(amount)s yuan") % {"amount": _grouped(amount, 2)}
    return _("%(amount)s yuan") % {"amount": _grouped(amount, 2)}


def number(value) -> str:
    return f"{int(value or 0):,}"


def percent(share: float | None) -> str:
    if share is None:
        return "-"
    return f"{share * 100:.1f}%"
