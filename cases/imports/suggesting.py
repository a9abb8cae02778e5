"""Likely duplicates of the cases an import created, row by row (``cases.duplicates``,
as at registration): nothing is blocked, the user reads them after the import and links
or merges from the case pages. The other rows of the same file are not suggested.

``cases.duplicates.suggestions`` costs two queries a row, so only an import creating at
most ``max_rows`` cases is checked (``CHECKED_ROWS`` inline, more in a background job);
a bigger one says it was not checked.
"""

from dataclasses import dataclass

from cases import duplicates
from cases.models import Case, RealEstateDetails, WageArrearsDetails

# An import creating more cases than this is not checked for duplicates (two queries a
# row: 500 rows take a few seconds at 100,000 cases).
CHECKED_ROWS = 500
# Suggestions shown per imported row, at most.
PER_ROW = 5


@dataclass
class RowDuplicates:
    row: int  # the file's row
    case: Case  # the case the row created
    suggestions: list  # of cases.duplicates.Suggestion


def suggest(user, rows_and_ids: list[tuple[int, int]]) -> list[RowDuplicates]:
    """For each (row number, new case id), the open cases that may be the same problem,
    in the file's order; rows with none are left out."""
    new_ids = {pk for _row, pk in rows_and_ids}
    cases = Case.objects.select_related(
        "district", "category", "real_estate", "wage_arrears").in_bulk(new_ids)
    found = []
    for number, pk in rows_and_ids:
        case = cases[pk]
        details = _details(case)
        suggestions = duplicates.suggestions(user, case, details, limit=PER_ROW,
                                             exclude=new_ids)
        if suggestions:
            found.append(RowDuplicates(number, case, suggestions))
    return found


def _details(case):
    for name in ("real_estate", "wage_arrears"):
        try:
            return getattr(case, name)
        except (RealEstateDetails.DoesNotExist, WageArrearsDetails.DoesNotExist):
            continue
    return None


def as_summary(found: list[RowDuplicates]) -> list[dict]:
    """The suggestions as a background job keeps them (JSON, in the job's language): a
    case the user may not see by its district and reference only."""
    return [
        {"row": item.row, "reference": item.case.reference, "url": item.case.get_absolute_url(),
         "suggestions": [
             {"reference": s.case.reference, "district": s.case.district.name,
              "visible": s.visible,
              "url": s.case.get_absolute_url() if s.visible else "",
              "title": s.case.title if s.visible else "",
              "reasons": [str(reason) for reason in s.reasons]}
             for s in item.suggestions]}
        for item in found
    ]
