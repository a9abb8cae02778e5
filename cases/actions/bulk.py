"""Bulk actions on the case list: one step, one note, many cases.

Each selected case goes through the same action as on its own page (``transition``,
``update_case``, ``issue_order``), so it gets its own history entry and notices exactly
as if done one by one; nothing here writes a case row itself. A workflow step goes
through ``transition_many``, the same step for a batch of cases at once, so that closing
2,000 cases costs queries per batch, not per case.

A bulk request is refused whole, changing nothing, when its selection holds a case the
user may not see (or that does not exist) or a case that changed since the list was
shown. Cases the action does not apply to, or that the user has no right to change, are
skipped and listed with the reason before the user confirms. Up to
``INLINE_CASES`` run in one transaction (all or none); more run as a background job
(``cases.jobs``), batch by batch.

The reads are per batch, not per case: the cases of a batch are read and locked with one
query, and what the per-case checks need (the districts where a new owner may own cases)
is read once. The writes are the actions' own: per batch for a workflow step, per case
for an edit or an order.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.actions.cases import (
    TRANSITIONS,
    can_work_on,
    eligible_owners,
    transition,
    transition_many,
    update_case,
)
from cases.actions.orders import issue_order, issue_order_refusal
from cases.choices import BulkAction, Status
from cases.models import Case
from cases.models.cases import version_of
from riskdesk.access import scope_of

# Up to this many cases, a bulk action runs in the request, in one transaction.
INLINE_CASES = 2_000
# Cases read (and locked) per query.
BATCH = 500
# At most this many references are named in a refusal.
NAMED = 20

STEPS = {BulkAction.VERIFY, BulkAction.CLOSE, BulkAction.RETURN, BulkAction.REOPEN}
# The case field each edit changes, and the request's parameter that holds its new value.
EDITS = {BulkAction.REASSIGN: "owner", BulkAction.RISK_LEVEL: "risk_level",
         BulkAction.TARGET_DATE: "target_date"}


@dataclass
class Bulk:
    """What to do (validated by ``cases.forms.BulkForm``): the action, the note recorded
    on each case, and the action's values (``owner``: a user, ``risk_level``,
    ``target_date``; ``level``, ``instructions``, ``due_date`` for orders)."""

    action: str
    note: str
    values: dict = field(default_factory=dict)


@dataclass
class Selection:
    """The cases chosen on the list: ``versions`` (id → the version shown) when checked
    one by one, or the list's ``query`` with the ``count`` and the moment (``shown_at``,
    a version) it was shown when "all matching" was chosen."""

    versions: dict = field(default_factory=dict)
    query: str | None = None
    count: int = 0
    shown_at: int = 0


@dataclass
class Plan:
    cases: list  # the cases the action applies to
    skipped: list  # (case, reason)


# ---------------------------------------------------------------- the selection
def selected_ids(user, selection: Selection) -> list[int]:
    """The ids of the selected cases, in their order; refuses (``ValidationError``) a
    selection with a case out of the user's scope or changed since it was shown."""
    scoped = Case.objects.for_user(user)
    if selection.query is not None:
        from cases.filtersets import CaseFilterSet

        filterset = CaseFilterSet(QueryDict(selection.query) or None, queryset=scoped,
                                  user=user)
        rows = list(filterset.qs.values_list("pk", "reference", "updated_at"))
        if len(rows) != selection.count:
            raise ValidationError(ngettext(
                "%(now)s cases match this filter now, not the %(count)s shown: nothing was "
                "changed. Look at the list again.",
                "%(now)s cases match this filter now, not the %(count)s shown: nothing was "
                "changed. Look at the list again.", selection.count,
            ) % {"now": len(rows), "count": selection.count})
        _refuse_changed([ref for _pk, ref, at in rows if version_of(at) > selection.shown_at])
        return [pk for pk, _ref, _at in rows]
    ids = list(selection.versions)
    found = {}
    for start in range(0, len(ids), BATCH):
        found.update((pk, (ref, at)) for pk, ref, at in scoped.filter(
            pk__in=ids[start:start + BATCH]).values_list("pk", "reference", "updated_at"))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(ngettext(
            "%(count)s selected case does not exist or is not yours to see: nothing was "
            "changed.",
            "%(count)s selected cases do not exist or are not yours to see: nothing was "
            "changed.", len(missing)) % {"count": len(missing)})
    _refuse_changed([found[pk][0] for pk in ids
                     if version_of(found[pk][1]) != selection.versions[pk]])
    return ids


def _refuse_changed(references):
    if references:
        named = ", ".join(references[:NAMED]) + ("…" if len(references) > NAMED else "")
        raise ValidationError(ngettext(
            "%(count)s case changed since the list was shown: %(refs)s. Nothing was "
            "changed; look at the list again.",
            "%(count)s cases changed since the list was shown: %(refs)s. Nothing was "
            "changed; look at the list again.", len(references),
        ) % {"count": len(references), "refs": named})


def _batches(user, ids, *, lock=False):
    """The cases, BATCH at a time, each batch one query (locked when writing)."""
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        cases = Case.objects.for_user(user).filter(pk__in=batch).select_related(
            "category", "district", "owner")
        if lock:
            cases = cases.select_for_update(of=("self",))
        by_id = cases.in_bulk()
        yield [by_id[pk] for pk in batch if pk in by_id]


# ---------------------------------------------------------------- who may do what
def _owner_districts(bulk: Bulk, cases) -> set:
    """The districts (among the cases') where the new owner may own cases: one query per
    district, whatever the number of cases."""
    owner = bulk.values.get("owner")
    if bulk.action != BulkAction.REASSIGN or owner is None:
        return set()
    districts = {case.district_id for case in cases}
    return {district for district in districts
            if eligible_owners(district).filter(pk=owner.pk).exists()}


def skip_reason(user, bulk: Bulk, case, *, owner_districts=()) -> str | None:
    """Why the action does not apply to this case, or None if it does (judged with the
    action's own rules, on the case as read)."""
    if bulk.action in STEPS:
        step = TRANSITIONS[bulk.action]
        scope = scope_of(user)
        if not scope.covers(case.district_id) or scope.role not in step.roles:
            return _("Only a supervisor of the case's district can do this: %(step)s.") % {
                "step": step.label}
        if case.status != step.source:
            return _("Does not apply to a case that is “%(status)s”.") % {
                "status": Status(case.status).label}
        return None
    if bulk.action == BulkAction.ISSUE_ORDER:
        return issue_order_refusal(user, case)
    if not can_work_on(user, case):
        return _("You cannot edit this case.")
    if not case.is_open:
        return _("A closed case cannot be edited; a supervisor can reopen it.")
    name = EDITS[bulk.action]
    if bulk.action == BulkAction.REASSIGN and case.district_id not in owner_districts:
        return _("The owner must be staff or a supervisor of the case's district.")
    current = case.owner_id if name == "owner" else getattr(case, name)
    wanted = bulk.values[name].pk if name == "owner" else bulk.values[name]
    if current == wanted:
        return _("Nothing to change: it is so already.")
    return None


def plan(user, bulk: Bulk, ids) -> Plan:
    """What the action will do: the cases it applies to and those it skips, with why."""
    result = Plan(cases=[], skipped=[])
    for cases in _batches(user, ids):
        owner_districts = _owner_districts(bulk, cases)
        for case in cases:
            reason = skip_reason(user, bulk, case, owner_districts=owner_districts)
            if reason:
                result.skipped.append((case, reason))
            else:
                result.cases.append(case)
    return result


# ---------------------------------------------------------------- doing it
def _apply(user, bulk: Bulk, case):
    """The action on one case, through its own use case."""
    values = bulk.values
    if bulk.action in STEPS:
        transition(user=user, case=case, name=bulk.action, note=bulk.note)
    elif bulk.action == BulkAction.ISSUE_ORDER:
        issue_order(user=user, case=case, level=values["level"],
                    instructions=values["instructions"], due_date=values["due_date"],
                    note=bulk.note)
    else:
        setattr(case, EDITS[bulk.action], values[EDITS[bulk.action]])
        update_case(user=user, case=case, note=bulk.note)


def _step_all(user, bulk: Bulk, cases, *, strict) -> bool:
    """A workflow step on the batch's cases together (``transition_many``: its queries do
    not grow with the cases). False when refused and not ``strict``: the caller then
    takes the cases one by one, so that a refusal skips only its own case."""
    try:
        with transaction.atomic():
            transition_many(user=user, cases=cases, name=bulk.action, note=bulk.note)
    except ValidationError as error:
        if strict:
            raise ValidationError(_("%(reason)s Nothing was changed.") % {
                "reason": " ".join(error.messages)}) from error
        return False
    return True


def _run(user, bulk, ids, *, versions, shown_at, strict):
    """Apply the action to the cases ``ids`` batch by batch; returns (done, skipped).
    ``strict``: a case changed meanwhile or refused by its action refuses everything
    (the caller's transaction rolls back); else it is skipped with the reason."""
    done, skipped = [], []
    for cases in _batches(user, ids, lock=True):
        owner_districts = _owner_districts(bulk, cases)
        ready = []
        for case in cases:
            shown = versions.get(case.pk, shown_at) if versions else shown_at
            changed = (case.version != shown) if versions else case.version > shown
            reason = (_("Changed since the list was shown.") if changed
                      else skip_reason(user, bulk, case, owner_districts=owner_districts))
            if reason is None:
                ready.append(case)
            elif strict:
                raise _refused(case, reason)
            else:
                skipped.append((case.reference, reason))
        if ready and bulk.action in STEPS and _step_all(user, bulk, ready, strict=strict):
            done += [case.reference for case in ready]
            continue
        for case in ready:
            try:
                _apply(user, bulk, case)
            except ValidationError as error:
                if strict:
                    raise _refused(case, " ".join(error.messages)) from error
                skipped.append((case.reference, " ".join(error.messages)))
            else:
                done.append(case.reference)
    return done, skipped


def _refused(case, reason) -> ValidationError:
    return ValidationError(_("%(ref)s: %(reason)s Nothing was changed.") % {
        "ref": case.reference, "reason": reason})


@transaction.atomic
def run_inline(user, bulk: Bulk, ids, selection: Selection) -> list[str]:
    """Apply the action to the cases ``ids`` (the plan's, at most ``INLINE_CASES``) in one
    transaction: all of them, or, on any refusal, none. Returns their references."""
    if len(ids) > INLINE_CASES:
        raise ValidationError(_("Too many cases for one transaction."))
    done, _skipped = _run(user, bulk, ids, versions=selection.versions,
                          shown_at=selection.shown_at, strict=True)
    return done


def run_in_batches(user, bulk: Bulk, ids, selection: Selection, progress=None):
    """Apply the action batch by batch, one transaction each (a background job): a case
    refused meanwhile is skipped and reported. Returns (done, skipped)."""
    done, skipped = [], []
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            batch_done, batch_skipped = _run(
                user, bulk, ids[start:start + BATCH], versions=selection.versions,
                shown_at=selection.shown_at, strict=False)
        done += batch_done
        skipped += batch_skipped
        if progress:
            progress(start + len(ids[start:start + BATCH]), len(ids))
    return done, skipped
