"""Choosing the case list's columns (``riskdesk.columns``): kept as the user's columns,
and as the open view's when it is the user's own."""

from cases.columns import CASE_COLUMNS
from riskdesk.choices import SavedList
from riskdesk.columns import choose_view

case_columns = choose_view(SavedList.CASES, CASE_COLUMNS, "cases:list")
