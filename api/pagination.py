"""Keyset ("cursor") pagination: a page is the rows after the last one seen, in an order
that ends with the primary key, so a sync never skips or repeats a row however the rows
before or after it change meanwhile.

DRF's own ``CursorPagination`` keeps only the first ordering field in the cursor and
counts the rows that tie on it with an offset: when one of those tied rows changes during
a sync, the offset points at the wrong row and one is skipped. Here the cursor holds the
last row's value of every ordering field, and the next page is
``WHERE (updated_at, id) > (last updated_at, last id)``.
"""

import base64
import binascii
import json
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class CursorEncoder(DjangoJSONEncoder):
    """Datetimes to the microsecond (DjangoJSONEncoder keeps milliseconds only, and two
    rows a few microseconds apart would then share a position)."""

    def default(self, o):
        return o.isoformat() if isinstance(o, datetime) else super().default(o)


def after(fields, values) -> Q:
    """Rows after ``values`` in ascending order of ``fields`` (a row comparison)."""
    first, *rest = fields
    if not rest:
        return Q(**{f"{first}__gt": values[0]})
    return Q(**{f"{first}__gt": values[0]}) | (Q(**{first: values[0]}) & after(rest, values[1:]))


class KeysetPagination(BasePagination):
    """Pages of ``page_size`` rows (default 100, at most 500) in the view's
    ``cursor_ordering`` (ascending fields, the last one unique); ``next`` is the URL of the
    next page, null on the last."""

    ordering = ("id",)
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.ordering = getattr(view, "cursor_ordering", self.ordering)
        self.page_size = self.get_page_size(request)
        queryset = queryset.order_by(*self.ordering)
        position = self.decode_cursor(request, queryset.model)
        if position is not None:
            queryset = queryset.filter(after(self.ordering, position))
        rows = list(queryset[: self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        self.last = rows[-1] if rows else None
        return rows

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return PAGE_SIZE
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise exceptions.ValidationError({self.page_size_query_param: [
                _("Enter a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}]})
        return min(size, MAX_PAGE_SIZE)

    # ------------------------------------------------------------ the cursor
    def decode_cursor(self, request, model):
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None
        invalid = exceptions.ValidationError({self.cursor_query_param: [
            _("This cursor is not valid: use the next link of the previous page.")]})
        try:
            values = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
            if not isinstance(values, list) or len(values) != len(self.ordering):
                raise invalid
            return [model._meta.get_field(name).to_python(value)
                    for name, value in zip(self.ordering, values, strict=True)]
        except (ValueError, UnicodeError, binascii.Error, DjangoValidationError):
            raise invalid from None

    def encode_cursor(self, row) -> str:
        values = [getattr(row, name) for name in self.ordering]
        text = json.dumps(values, cls=CursorEncoder, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode("ascii")

    def get_next_link(self):
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.encode_cursor(self.last))

    # ------------------------------------------------------------ the response and schema
    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string", "format": "uri", "nullable": True,
                    "description": "The next page's URL; null on the last page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param, "required": False, "in": "query",
                "description": "The position after the previous page (from its next link).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param, "required": False, "in": "query",
                "description": f"Rows per page: {PAGE_SIZE} unless set, at most {MAX_PAGE_SIZE}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
