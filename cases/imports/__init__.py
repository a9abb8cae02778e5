"""Import of the rolling investigation (滚动排查) list from a CSV or Excel file.

The whole file is checked first. If any row has a problem, nothing is written and every
problem is reported with its spreadsheet row and its column. Otherwise all new rows are
inserted in one transaction. Rows of existing cases (the case's reference, as an export
writes it, or a source reference already known in the district) are skipped, so
importing the same file again creates nothing twice; or, when the user asks, they update
their cases in the same transaction, each change in the history like an edit. Problems
with the file itself (type, size, encoding, headers, sheets, formulas) raise
``ValidationError``.

The package reads top to bottom: ``columns`` (limits, columns, results), ``cells`` (one
cell's value), ``workbook`` (an Excel file and its sheet), ``reading`` (the file's rows
under its header), ``checking`` (rows against the rules and the database), ``updating``
(rows of existing cases), ``suggesting`` (likely duplicates of the new cases),
``templates``; this module runs an import. Callers import from
here: ``from cases import imports``.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions import allocate_references, can_register
from cases.choices import EventKind, Status
from cases.imports import suggesting, updating
from cases.imports.checking import CleanRow, RowChecker
from cases.imports.columns import (
    BATCH_SIZE,
    DETAILS_MODEL,
    EXAMPLE_REFERENCE,
    IMPORT_COLUMNS,
    MAX_COLUMNS,
    MAX_LINE_BYTES,
    REFERENCE_COLUMN,
    ImportResult,
)
from cases.imports.reading import check_file, read_rows
from cases.imports.suggesting import CHECKED_ROWS as DUPLICATE_CHECK_ROWS
from cases.imports.templates import template_csv, template_xlsx
from cases.imports.workbook import ChooseSheet
from cases.models import Case, CaseEvent, FollowUpInterval
from riskdesk.files import clean_name


# ---------------------------------------------------------------- the import
def import_cases(*, user, upload, sheet=None, update=False,
                 duplicate_rows=DUPLICATE_CHECK_ROWS) -> ImportResult:
    """Check the whole file, then create its new cases in one transaction (or none);
    ``sheet`` is the workbook's sheet the user chose, when it has several. Rows of
    existing cases are skipped, or with ``update`` saved to their cases in the same
    transaction. Afterwards the new cases' likely duplicates are listed, when there are
    at most ``duplicate_rows`` new cases."""
    if not can_register(user):
        raise ValidationError(_("Your role cannot import cases."))
    rows = read_rows(upload, sheet=sheet)
    columns = rows.columns
    checker = RowChecker(user)
    cleaned = checker.check(rows)
    del rows
    if checker.errors:
        return ImportResult(created=0, skipped=0, errors=checker.errors,
                            warnings=checker.warnings)
    found = updating.plan(user, cleaned)
    if found.errors:
        return ImportResult(created=0, skipped=0, errors=found.errors,
                            warnings=checker.warnings)
    result = ImportResult(created=len(found.new), skipped=0, warnings=checker.warnings)
    created = []
    try:
        with transaction.atomic():
            if found.new:
                created = _insert(found.new, user=user, file_name=clean_name(upload.name))
            if update:
                result.updated, result.unchanged, errors = updating.update(
                    user, found.existing, columns)
                if errors:
                    raise _Refused(errors)
            else:
                result.skipped = len(found.existing)
    except _Refused as refused:
        return ImportResult(created=0, skipped=0, errors=refused.errors,
                            warnings=checker.warnings)
    except IntegrityError:
        raise ValidationError(_(
            "Someone else imported some of these rows at the same moment, so nothing was "
            "imported. Import the file again: the rows already imported will be skipped."
        )) from None
    if len(created) > duplicate_rows:
        result.duplicates_unchecked = True
    elif created:
        result.duplicates = suggesting.as_summary(suggesting.suggest(user, created))
    return result


class _Refused(Exception):
    """Rows an update refused: the transaction is rolled back, nothing is changed."""

    def __init__(self, errors):
        super().__init__()
        self.errors = errors


@transaction.atomic
def _insert(new: list[CleanRow], *, user, file_name: str) -> list[tuple[int, int]]:
    """Create the cases; returns each one's (row number, case id)."""
    created = []
    references = allocate_references(len(new))
    now = timezone.now()
    today = timezone.localdate()
    next_due = {
        level: today + timedelta(days=FollowUpInterval.days_for(level))
        for level in {clean.case["risk_level"] for clean in new}
    }
    for start in range(0, len(new), BATCH_SIZE):
        batch = new[start:start + BATCH_SIZE]
        cases = [
            Case(
                reference=reference, status=Status.REPORTED,
                next_follow_up_due=next_due[clean.case["risk_level"]],
                created_at=now, updated_at=now, created_by=user, updated_by=user,
                **clean.case,
            )
            for clean, reference in zip(batch, references[start:start + BATCH_SIZE],
                                        strict=True)
        ]
        Case.objects.bulk_create(cases, batch_size=BATCH_SIZE)
        if any(case.pk is None for case in cases):  # a database without RETURNING
            ids = dict(
                Case.objects.filter(reference__in=[case.reference for case in cases])
                .values_list("reference", "pk")
            )
            for case in cases:
                case.pk = ids[case.reference]
        created.extend((clean.row, case.pk) for clean, case in zip(batch, cases, strict=True))
        details = {}
        for clean, case in zip(batch, cases, strict=True):
            if clean.details is not None:
                model = DETAILS_MODEL[clean.kind]
                details.setdefault(model, []).append(model(case_id=case.pk, **clean.details))
        for model, objects in details.items():
            model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case_id=case.pk, kind=EventKind.IMPORTED, user=user, at=now,
                    data={"status": case.status, "source_reference": case.source_reference,
                          "file": file_name},
                )
                for case in cases
            ],
            batch_size=BATCH_SIZE,
        )
    return created
