"""The case list's counts per status, from the tally where it can answer.

Counting 100,000 cases for each page of the list cost PostgreSQL 14 ms per request even
from a covering index. ``CaseTally`` (kept by triggers, see its model) holds the same
counts per district, category, status and risk level: a few hundred rows. The list's
counts come from it when every filter given is one of those columns; any other filter
(a search, "my cases", a date range, "follow-up overdue"...) needs the cases themselves
and they are counted as before. Both ways give the same numbers (tests/cases/test_tally.py).
"""

from django.db import connection, transaction
from django.db.models import Count, Sum

from cases.models import Case, CaseTally

# filter name -> the tally's lookup for the filter's cleaned value
TALLIED = {"category": "category__in", "district": "district__in",
           "risk_level": "risk_level__in"}
# parameters that do not choose cases (or that the counts leave out on purpose)
NOT_FILTERS = {"status", "o", "page", "per_page"}


def status_counts(filterset) -> dict[str, int]:
    """Cases per status that pass the list's ``filterset`` but its status filter, among
    the cases the filterset's user may see."""
    if tally_answers(filterset):
        tally = CaseTally.objects.for_user(filterset.user)
        cleaned = getattr(filterset.form, "cleaned_data", {})  # none if unbound
        for name, lookup in TALLIED.items():
            if cleaned.get(name):
                tally = tally.filter(**{lookup: cleaned[name]})
        rows = tally.order_by().values_list("status").annotate(n=Sum("cases"))
        return {status: n for status, n in rows if n}
    # COUNT(*), not COUNT(id): PostgreSQL can then answer from the cases_case_list_counts
    # index alone (an index-only scan) instead of reading the table.
    cases = without_filter(filterset, "status")
    return dict(cases.order_by().values_list("status").annotate(n=Count("*")))


def without_filter(filterset, name):
    """The filterset's cases as if filter ``name`` had not been given: its other filters
    applied as ``FilterSet.filter_queryset`` applies them (invalid values left out)."""
    cases = filterset.queryset.all()
    if filterset.is_bound:
        filterset.form.is_valid()  # cleans it: what is invalid is left out, as in .qs
        for field, value in filterset.form.cleaned_data.items():
            if field != name:
                cases = filterset.filters[field].filter(cases, value)
    return cases


def tally_answers(filterset) -> bool:
    """Whether the tally can count what ``filterset`` chooses: on PostgreSQL (which keeps
    it), when no parameter but district, category and risk level chooses cases. Invalid
    values of those are left out by both ways alike (the form drops them)."""
    if connection.vendor != "postgresql":
        return False
    filterset.is_valid()  # cleans the form: what the list applies
    data = filterset.data
    for key in data:
        if key in NOT_FILTERS or key in TALLIED:
            continue
        values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
        if any(str(value).strip() for value in values):
            return False
    return True


def recount(*, repair: bool) -> list[tuple]:
    """Compare the tally with the cases; with ``repair``, rebuild it from them.

    Returns the groups that differed as ``(district, category, status, risk level,
    tallied, counted)``. The cases table is locked against writes meanwhile (reads go on),
    so nothing changes between counting and rewriting.
    """
    keys = ("district_id", "category_id", "status", "risk_level")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE cases_case IN SHARE ROW EXCLUSIVE MODE")
        counted = {row[:4]: row[4] for row in
                   Case.objects.order_by().values_list(*keys).annotate(n=Count("*"))}
        tallied = {row[:4]: row[4] for row in CaseTally.objects.values_list(*keys, "cases")}
        differences = sorted(
            (*key, tallied.get(key, 0), counted.get(key, 0))
            for key in counted.keys() | tallied.keys()
            if tallied.get(key, 0) != counted.get(key, 0)
        )
        if repair and differences:
            CaseTally.objects.all().delete()
            CaseTally.objects.bulk_create(
                CaseTally(district_id=key[0], category_id=key[1], status=key[2],
                          risk_level=key[3], cases=n)
                for key, n in counted.items()
            )
    return differences
