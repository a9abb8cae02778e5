"""Money and dates read the way each language writes them."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from riskdesk.templatetags.riskdesk_format import money


@pytest.mark.parametrize(("lang", "amount", "shown"), [
    ("en", Decimal("1234567"), "1,234,567.00 yuan"),
    ("en", 9800, "9,800.00 yuan"),
    ("zh-hans", Decimal("1234567"), "123.46万元"),
    ("zh-hans", Decimal("499600000"), "49,960.00万元"),
    ("zh-hans", 10000, "1.00万元"),
    ("zh-hans", Decimal("9999.50"), "9,999.50元"),
    ("zh-hans", 0, "0.00元"),
    ("en", None, "—"),
])
def test_money_has_thousands_separators_and_wan_in_chinese(lang, amount, shown):
    with translation.override(lang):
        assert money(amount) == shown


def test_dates_follow_the_language():
    template = Template('{{ day|date:"DATE_FORMAT" }} {{ at|date:"DATETIME_FORMAT" }}')
    context = Context({"day": datetime.date(2026, 11, 27),
                       "at": datetime.datetime(2026, 11, 27, 14, 5)})
    with translation.override("zh-hans"):
        assert template.render(context) == "2026年11月27日 2026年11月27日 14:05"
    with translation.override("en"):
        assert template.render(context) == "2026-11-27 2026-11-27 14:05"



def test_iso_dates_from_the_history_follow_the_language():
    from riskdesk.templatetags.riskdesk_format import isodate

    with translation.override("zh-hans"):
        assert isodate("2026-12-04") == "2026年12月4日"
    with translation.override("en"):
        assert isodate("2026-12-04") == "2026-12-04"
    assert isodate("") == "" and isodate(None) is None
