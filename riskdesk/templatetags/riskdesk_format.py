"""Numbers as people read them: money in yuan with thousands separators, and in 万元
(ten thousands) on the Chinese pages once an amount reaches 10,000."""

import datetime

from django import template
from django.utils.formats import date_format

from riskdesk import formatting

register = template.Library()


@register.filter
def money(value):
    """Money in the reader's language (see ``riskdesk.formatting.money``)."""
    return formatting.money(value)


@register.filter
def percent(share):
    return formatting.percent(share)


@register.filter
def isodate(value):
    """A date kept as ISO text (in a history entry's data), in the language's format;
    anything else is shown as it is."""
    try:
        return date_format(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return value
