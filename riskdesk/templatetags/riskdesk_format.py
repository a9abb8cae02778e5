"""Numbers as people read them: money in yuan with thousands separators, and in 万元
(ten thousands) on the Chinese pages once an amount reaches 10,000."""

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

WAN = Decimal(10_000)


@register.filter
def money(value):
    """``1234567`` → "1,234,567.00 yuan" (English), "123.46万元" (Chinese);
    amounts under 10,000 stay in 元 ("9,800.00元"). Empty → "—"."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    if (get_language() or "").startswith("zh") and abs(amount) >= WAN:
        return _("%(amount)s ten thousand yuan") % {"amount": f"{amount / WAN:,.2f}"}
    return _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}


@register.filter
def isodate(value):
    """A date kept as ISO text (in a history entry's data), in the language's format;
    anything else is shown as it is."""
    try:
        return date_format(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return value
