"""The ``object`` of each kind of event: one small function per kind.

A case and an order are what ``GET /api/v1/cases/{reference}/`` and ``/api/v1/orders/``
show of them (the API's serializers), so a receiver that also reads the API sees one
shape; their labels are in the site's language (``LANGUAGE_CODE``), whoever made the
change. Personal data goes out masked, never revealed. Decisions and agencies still go
out in a short form of their own (the API's shows per-user links).
"""

import json

from django.conf import settings
from django.utils import translation
from rest_framework.utils.encoders import JSONEncoder

from riskdesk.choices import Announcement


def _date(value):
    return value.isoformat() if value else None


def case_fields(case) -> dict:
    from api.serializers import CaseSerializer  # imported on first use: api loads later

    return _as_api_writes(CaseSerializer(case))


def _as_api_writes(serializer) -> dict:
    """The serializer's data as the API's JSON (dates as text), labels in the site's
    language."""
    with translation.override(settings.LANGUAGE_CODE):
        data = serializer.data
    return json.loads(json.dumps(data, cls=JSONEncoder))


def order_fields(order) -> dict | None:
    """The order as ``GET /api/v1/orders/`` shows it."""
    if order is None:
        return None
    from api.serializers_orders import OrderSerializer
    from cases.choices import ExtensionState

    order.has_pending_extension = order.extensions.filter(
        state=ExtensionState.PENDING).exists()
    return _as_api_writes(OrderSerializer(order))


def case_event(*, case, data, **_):
    return {"case": case_fields(case), **data}


def order_event(*, case, order, data, **_):
    return {"case": case_fields(case), "order": order_fields(order), **data}


def assessment_concluded(*, decision, **_):
    assessment = decision.assessment
    return {"decision": {
        "id": decision.pk, "reference": decision.reference, "title": decision.title,
        "level": decision.level, "type": decision.decision_type,
        "district": decision.district.code if decision.district_id else None,
        "key_sensitive": decision.key_sensitive, "status": decision.status,
    }, "assessment": {
        "grade": assessment.grade, "recommendation": assessment.recommendation,
        "concluded_at": _date(assessment.concluded_at),
    }}


def agency_red_line(*, agency, violation, data, **_):
    return {"agency": {"reference": agency.reference, "name": agency.name,
                       "status": agency.status,
                       "suspended_until": _date(agency.suspended_until)},
            "violation": {"red_line": violation.red_line.code,
                          "consequence": violation.consequence,
                          "occurred_on": _date(violation.occurred_on)}, **data}


def test_event(**_):
    return {"message": "RiskDesk test event"}


BUILDERS = {
    Announcement.CASE_REGISTERED: case_event,
    Announcement.STATUS_CHANGED: case_event,
    Announcement.ESCALATED: order_event,
    Announcement.ORDER_ISSUED: order_event,
    Announcement.ORDER_ANSWERED: order_event,
    Announcement.ORDER_OVERDUE: order_event,
    Announcement.ASSESSMENT_CONCLUDED: assessment_concluded,
    Announcement.AGENCY_RED_LINE: agency_red_line,
    Announcement.TEST: test_event,
}


def build(kind, **subjects) -> dict:
    return BUILDERS[kind](**subjects)
