"""Rows of cases that exist already: found by the case's reference (an export's first
column) or by their district's source reference. They are skipped; or, when the user
asks to update the existing cases, each is saved through the case form's own action
(``actions.update_case``), so every change is in the case's history like an edit.

Only the columns the file has are changed; a personal number written masked, as an
export writes it, or spoilt by Excel, is left as it is. Nothing is ever cleared because
a column is missing.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from cases.actions import EDITABLE_FIELDS, update_case
from cases.imports.checking import CleanRow
from cases.imports.columns import COLUMNS, DETAILS_MODEL, RowError
from cases.models import Case
from riskdesk.personal import mask_id, mask_phone

# The reverse names of the details' one-to-one links to their case.
RELATIONS = [model._meta.get_field("case").remote_field.related_name
             for model in DETAILS_MODEL.values()]
MASKS = {"contact_id_number": mask_id, "contact_phone": mask_phone}  # PERSONAL_NUMBERS


@dataclass
class Plan:
    new: list[CleanRow] = field(default_factory=list)
    existing: list[tuple[CleanRow, Case]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def plan(user, cleaned: list[CleanRow]) -> Plan:
    """Which rows are new cases and which are the user's existing cases (only the
    user's: a reference of another district's case is reported as unknown)."""
    result = Plan()
    cases = Case.objects.for_user(user).select_related(
        "category", "district", "owner", *RELATIONS)
    references = [clean.reference for clean in cleaned if clean.reference]
    by_reference = {
        case.reference: case for case in cases.filter(reference__in=references)
    } if references else {}
    sources = {clean.case["source_reference"] for clean in cleaned
               if not clean.reference and clean.case["source_reference"]}
    by_source = {
        (case.district_id, case.source_reference): case
        for case in cases.filter(
            district_id__in={clean.case["district_id"] for clean in cleaned},
            source_reference__in=sources,
        ).iterator(chunk_size=2000)
    } if sources else {}
    for clean in cleaned:
        if clean.reference:
            case = by_reference.get(clean.reference)
            if case is None:
                result.errors.append(RowError(clean.row, "reference", _(
                    "There is no case %(value)s among your cases.") % {
                        "value": clean.reference}))
                continue
        else:
            case = by_source.get((clean.case["district_id"], clean.case["source_reference"]))
        masked = _masked_problems(clean, case)
        if masked:
            result.errors.extend(masked)
        elif case is None:
            result.new.append(clean)
        else:
            result.existing.append((clean, case))
    return result


def _masked_problems(clean, case) -> list[RowError]:
    problems = []
    for name, text in clean.masked.items():
        if case is not None and MASKS[name](getattr(case, name)) == text:
            continue  # as exported: the case keeps its number
        problems.append(RowError(clean.row, name, _(
            "“%(value)s” is masked, as an export writes it, and is not this case's number: "
            "type the whole number, or leave the cell as it was exported."
        ) % {"value": text} if case is not None else _(
            "“%(value)s” is masked, as an export writes it: type the whole number, or leave "
            "the cell empty.") % {"value": text}))
    return problems


def update(user, existing, columns) -> tuple[int, int, list[RowError]]:
    """Save the rows' changes to their cases (inside the caller's transaction): the
    number updated, the number unchanged, and the rows refused."""
    updated = unchanged = 0
    errors = []
    for clean, current in existing:
        edited, details, old_details = _edited(clean, current, columns)
        if not current.is_open:
            if _changed(current, edited, details, old_details):
                errors.append(RowError(clean.row, "reference", _(
                    "The case %(reference)s is closed: a supervisor can reopen it, then "
                    "import the row again.") % {"reference": current.reference}))
            else:
                unchanged += 1
            continue
        try:
            changes = update_case(user=user, case=edited, details=details)
        except ValidationError as refused:
            errors.extend(_row_errors(clean.row, refused))
            continue
        except IntegrityError:
            errors.append(RowError(clean.row, "reference", _(
                "With this row's figures the case %(reference)s would contradict itself "
                "(more helped than affected, or more recovered than involved): check the "
                "row's figures against the case.") % {"reference": current.reference}))
            continue
        if changes:
            updated += 1
        else:
            unchanged += 1
    return updated, unchanged, errors


def _edited(clean, current, columns):
    """The case as the row has it, its details, and the case's details now."""
    edited = Case(**{f.attname: getattr(current, f.attname) for f in Case._meta.concrete_fields})
    edited._state.adding = False
    edited._state.db = current._state.db
    for name, value in clean.case.items():
        column = name.removesuffix("_id")
        if name in clean.unknown or column not in columns or column not in EDITABLE_FIELDS:
            continue
        setattr(edited, name, value)
    if clean.details is None:
        return edited, None, None
    model = DETAILS_MODEL[clean.kind]
    relation = model._meta.get_field("case").remote_field.related_name
    try:
        old_details = getattr(current, relation)
    except ObjectDoesNotExist:
        old_details = None
    values = {
        name: value if name in columns or old_details is None else getattr(old_details, name)
        for name, value in clean.details.items()
    }
    return edited, model(**values), old_details


def _changed(current, edited, details, old_details) -> bool:
    for name in EDITABLE_FIELDS:
        attname = Case._meta.get_field(name).attname
        if getattr(current, attname) != getattr(edited, attname):
            return True
    if details is None:
        return False
    return old_details is None or any(
        getattr(old_details, f.attname) != getattr(details, f.attname)
        for f in details._meta.concrete_fields if f.name not in ("id", "case"))


def _row_errors(number, refused) -> list[RowError]:
    if not hasattr(refused, "error_dict"):
        return [RowError(number, "reference", " ".join(refused.messages))]
    return [
        RowError(number, name if name in COLUMNS else "reference", " ".join(messages))
        for name, messages in refused.message_dict.items()
    ]
