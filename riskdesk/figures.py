"""A figure on a page and the filtered list behind it: every number links to its rows."""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from riskdesk.lists import DRILL_DOWN


@dataclass
class Figure:
    """A number and the list that shows it."""

    value: int | Decimal
    url: str


def filtered_url(view: str, base: dict, **params) -> str:
    """The list page ``view`` filtered by ``base`` (the chosen district, if any) and
    ``params``: the URL that shows the rows a figure counts. It says it came from a
    figure (``DRILL_DOWN``), so the list does not keep it as the user's own filters."""
    query = {**base, **{key: value for key, value in params.items() if value is not None},
             DRILL_DOWN: "figure"}
    return f"{reverse(view)}?{urlencode(query, doseq=True)}"
