"""Checking rows against the rules and the database: every problem is reported with
its row and column; a clean row becomes the values of a case and its details."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.actions import eligible_owners
from cases.choices import CategoryKind, HousingStage, RiskLevel, SchemeType, Source
from cases.imports.cells import (
    BadCell,
    cell_amount,
    cell_date,
    cell_integer,
    cell_text,
    choice_lookup,
    choices_shown,
    is_empty,
)
from cases.imports.columns import (
    DETAILS_REQUIRED,
    EXAMPLE_REFERENCE,
    KIND_COLUMNS,
    KIND_OF_COLUMN,
    MAX_LENGTHS,
    PERSONAL_NUMBERS,
    REQUIRED,
    TEXT_FIELDS,
    Row,
    RowError,
    match_key,
)
from cases.models import Category
from riskdesk.access import scope_of
from riskdesk.models import District

SCIENTIFIC_RE = re.compile(r"\d+(?:\.\d+)?[eE]\+?\d+")


def number_shown(value) -> str:
    """An ID or phone number that Excel turned into a number, as Excel shows it (an
    18-digit ID becomes 1.50203E+17); empty when the cell is text as typed."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if abs(value) < 1e11:
            return cell_text(value)
        mantissa, exponent = f"{value:.5E}".split("E")
        return f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"
    text = cell_text(value)
    return text if SCIENTIFIC_RE.fullmatch(text) else ""


# ---------------------------------------------------------------- checking rows
@dataclass
class CleanRow:
    row: int
    case: dict
    kind: str | None
    details: dict | None
    unknown: set = field(default_factory=set)  # case fields the file could not tell
    reference: str = ""  # the case's own reference (RC-…), as an export writes it
    masked: dict = field(default_factory=dict)  # personal numbers written masked


class RowChecker:
    """Checks rows against the database, which it reads once (lookups in dicts)."""

    def __init__(self, user):
        self.user = user
        self.scope = scope_of(user)
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        self.categories = {}
        for category in Category.objects.all():
            for name in (category.name_en, category.name_zh, category.code):
                self.categories[match_key(name)] = category
        self.districts = {}
        for district in District.objects.all():
            for name in (district.name_en, district.name_zh, district.code):
                self.districts[match_key(name)] = district
        self.owners = {}  # district id -> {user name: user id}, filled once per district
        self.choices = {
            choices: choice_lookup(choices)
            for choices in (RiskLevel, Source, HousingStage, SchemeType)
        }
        self.seen = {}  # (district id, source reference) -> row number
        self._own_districts = None

    def owners_of(self, district_id) -> dict:
        if district_id not in self.owners:
            names = dict(eligible_owners(district_id).values_list("username", "pk"))
            self.owners[district_id] = names
        return self.owners[district_id]

    def check(self, rows) -> list[CleanRow]:
        cleaned = []
        for row in rows:
            clean = self.check_row(row)
            if clean is not None:
                cleaned.append(clean)
        return cleaned

    def check_row(self, row: Row) -> CleanRow | None:
        errors_before = len(self.errors)
        number = row.number

        def error(column, message):
            self.errors.append(RowError(number, column, str(message)))

        values = {}
        case_reference = cell_text(row.get("reference")).upper()
        for name in TEXT_FIELDS:
            text = cell_text(row.get(name))
            # An exported case found by its reference may have no source reference.
            if not text and name in REQUIRED and not (
                    case_reference and name == "source_reference"):
                error(name, _("This column must be filled in."))
            elif len(text) > (MAX_LENGTHS[name] or len(text)):
                error(name, self.too_long(text, MAX_LENGTHS[name]))
            values[name] = text

        unknown = set()  # fields the file cannot tell: an update leaves them as they are
        masked = {}
        for name, normalise in PERSONAL_NUMBERS.items():
            text = cell_text(row.get(name))
            shown = number_shown(row.get(name))
            if "*" in text:  # as an export writes it: checked against the case's number
                masked[name] = text
                values[name] = ""
                unknown.add(name)
                continue
            if shown:
                self.warnings.append(RowError(number, name, str(_(
                    "Excel has turned this number into %(value)s, so digits may be lost; it "
                    "was not imported. Format the column as text, type the number again and "
                    "import the file again, or enter it on the case page."
                ) % {"value": shown})))
                values[name] = ""
                unknown.add(name)
                continue
            try:
                values[name] = normalise(text) if text else ""
            except ValidationError as problem:
                error(name, " ".join(problem.messages))

        category = self.lookup(row, "category", self.categories, error,
                               self.unknown_category)
        if category is not None and not category.is_active:
            error("category", _("The category %(category)s is no longer in use; choose "
                                "another.") % {"category": category.name})
        district = self.lookup(row, "district", self.districts, error,
                               self.unknown_district)
        if district is not None and not district.is_active:
            error("district", _("%(district)s is no longer in use.")
                  % {"district": district.name})
            district = None
        elif district is not None and not self.scope.covers(district.pk):
            error("district", _(
                "%(district)s is not one of your districts; you can import cases only "
                "into: %(known)s.") % {"district": district.name, "known": self.own_districts()})
            district = None

        for name, choices, default in (
            ("risk_level", RiskLevel, None), ("source", Source, Source.ROLLING)
        ):
            values[name] = self.choice(row, name, choices, default, error)
        owner_id = self.owner(row, district, error)
        if not cell_text(row.get("owner")):
            unknown.add("owner_id")  # the importing staff member, for a new case only

        try:
            values["target_date"] = cell_date(row.get("target_date"))
        except BadCell as problem:
            error("target_date", problem)
        for name in ("people_affected", "people_helped"):
            try:
                values[name] = cell_integer(row.get(name))
            except BadCell as problem:
                error(name, problem)
                values[name] = None
        for name in ("amount_involved", "amount_recovered"):
            try:
                values[name] = cell_amount(row.get(name))
            except BadCell as problem:
                error(name, problem)
                values[name] = None
        if None not in (values["people_helped"], values["people_affected"]) and (
            values["people_helped"] > values["people_affected"]
        ):
            error("people_helped", _(
                "%(helped)s people helped is more than the %(affected)s affected."
            ) % {"helped": values["people_helped"], "affected": values["people_affected"]})
        if None not in (values["amount_recovered"], values["amount_involved"]) and (
            values["amount_recovered"] > values["amount_involved"]
        ):
            error("amount_recovered", _(
                "%(recovered)s recovered is more than the %(involved)s involved."
            ) % {"recovered": values["amount_recovered"], "involved": values["amount_involved"]})

        kind, details = self.details(row, category, error)

        reference = values["source_reference"]
        if district is not None and reference:
            first = self.seen.setdefault((district.pk, reference), number)
            if first != number:
                error("source_reference", _(
                    "“%(value)s” is already used for %(district)s in row %(row)d of this file."
                ) % {"value": reference, "district": district.name, "row": first})

        if values["source_reference"] == EXAMPLE_REFERENCE:
            error("source_reference", _(
                "This is the template's example row: delete it, or replace it with a real "
                "case and its own source reference."))
        if case_reference:
            first = self.seen.setdefault(case_reference, number)
            if first != number:
                error("reference", _("The case %(value)s is already in row %(row)d of this "
                                     "file.") % {"value": case_reference, "row": first})

        if len(self.errors) > errors_before:
            return None
        values.update(category_id=category.pk, district_id=district.pk, owner_id=owner_id)
        return CleanRow(row=number, case=values, kind=kind, details=details, unknown=unknown,
                        reference=case_reference, masked=masked)

    @staticmethod
    def too_long(text, limit):
        return _("This text has %(length)d characters; at most %(limit)d are allowed.") % {
            "length": len(text), "limit": limit,
        }

    def own_districts(self) -> str:
        if self._own_districts is None:
            districts = {d.pk: d for d in self.districts.values()}.values()
            self._own_districts = ", ".join(
                d.name for d in sorted(districts, key=lambda d: d.code)
                if d.is_active and self.scope.covers(d.pk)
            ) or "-"
        return self._own_districts

    def lookup(self, row, name, table, error, unknown):
        text = cell_text(row.get(name))
        if not text:
            error(name, _("This column must be filled in."))
            return None
        found = table.get(match_key(text))
        if found is None:
            error(name, unknown(text))
        return found

    def unknown_category(self, text):
        active = {c.pk: c for c in self.categories.values() if c.is_active}.values()
        return _("There is no category “%(value)s”. The categories are: %(known)s.") % {
            "value": text, "known": ", ".join(c.name for c in active) or "-",
        }

    def unknown_district(self, text):
        return _("There is no district “%(value)s”. Your districts are: %(known)s.") % {
            "value": text, "known": self.own_districts(),
        }

    def choice(self, row, name, choices, default, error):
        text = cell_text(row.get(name))
        if not text:
            if default is None:
                error(name, _("This column must be filled in."))
            return default
        value = self.choices[choices].get(match_key(text))
        if value is None:
            error(name, _("“%(value)s” is not one of: %(choices)s.") % {
                "value": text, "choices": choices_shown(choices),
            })
        return value

    def owner(self, row, district, error):
        text = cell_text(row.get("owner"))
        if not text:
            if not self.scope.is_staff:
                error("owner", _("Give the user name of the person in charge of this case."))
                return None
            text = self.user.get_username()
        if district is None:
            return None  # the district's own error is reported
        owners = self.owners_of(district.pk)
        owner_id = owners.get(text)
        if owner_id is None:
            matches = [pk for name, pk in owners.items() if name.lower() == text.lower()]
            owner_id = matches[0] if len(matches) == 1 else None
        if owner_id is None:
            error("owner", _(
                "“%(value)s” cannot own cases of %(district)s: give the user name of an "
                "active staff member or supervisor of that district."
            ) % {"value": text, "district": district.name})
        return owner_id

    def details(self, row, category, error):
        """The kind details for the category, when any of its columns is filled in."""
        given = [name for name in KIND_OF_COLUMN if not is_empty(row.get(name))]
        if category is None or not given:
            return None, None
        kind = category.kind
        own = KIND_COLUMNS.get(kind, [])
        for name in given:
            if name not in own:
                error(name, _(
                    "This column is for “%(kind)s” cases only; leave it empty for the "
                    "category %(category)s."
                ) % {"kind": CategoryKind(KIND_OF_COLUMN[name]).label,
                     "category": category.name})
        if not any(name in own for name in given):
            return None, None
        details = {}
        for name in own:
            value = row.get(name)
            try:
                if name in ("households_affected", "households_delivered"):
                    details[name] = cell_integer(value)
                elif name == "stage":
                    details[name] = self.choice(row, name, HousingStage, HousingStage.HALTED,
                                                error)
                elif name == "scheme_type":
                    details[name] = self.choice(row, name, SchemeType, "", error) or None
                else:
                    text = cell_text(value)
                    if len(text) > MAX_LENGTHS[name]:
                        raise BadCell(self.too_long(text, MAX_LENGTHS[name]))
                    details[name] = text
            except BadCell as problem:
                error(name, problem)
                details[name] = None
        required = DETAILS_REQUIRED[kind]
        if is_empty(row.get(required)):
            error(required, _(
                "Needed when other “%(kind)s” columns are filled in."
            ) % {"kind": CategoryKind(kind).label})
        affected = details.get("households_affected")
        delivered = details.get("households_delivered")
        if affected is not None and delivered is not None and delivered > affected:
            error("households_delivered", _(
                "%(delivered)s households delivered is more than the %(affected)s affected."
            ) % {"delivered": delivered, "affected": affected})
        if details.get("scheme_type") is None:
            details.pop("scheme_type", None)
        return kind, details
