"""Filters for figures: money in yuan (万元 in Chinese) and shares as percentages."""

from django import template

from riskdesk import formatting

register = template.Library()


@register.filter
def money(amount):
    return formatting.money(amount)


@register.filter
def percent(share):
    return formatting.percent(share)
