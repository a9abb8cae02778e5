"""Risk cases themselves: who may do what, references, registering and editing a case,
and the workflow's transitions. Each use case checks the user's right, changes the rows,
writes the history, all in one transaction; a refusal raises ``ValidationError`` and
changes nothing.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import events
from cases.choices import Status, Transition
from cases.models import DETAILS_MODELS, Case, ReferenceCounter
from riskdesk.access import scope_of
from riskdesk.choices import Role
from riskdesk.personal import mask_id, mask_phone


# ---------------------------------------------------------------- who may do what
def can_work_on(user, case) -> bool:
    """Staff of the case's district and supervisors covering it edit and follow up."""
    scope = scope_of(user)
    return scope.role in (Role.STAFF, Role.SUPERVISOR) and scope.covers(case.district_id)


def can_reveal_personal_data(user, case) -> bool:
    """The case's owner, a supervisor covering its district and admins see whole numbers
    (an integration account, a system, never does)."""
    scope = scope_of(user)
    if scope.integration or not scope.covers(case.district_id):
        return False
    return scope.role in (Role.SUPERVISOR, Role.ADMIN) or case.owner_id == user.pk


def can_register(user) -> bool:
    scope = scope_of(user)
    return scope.role in (Role.STAFF, Role.SUPERVISOR) and (
        scope.everything or bool(scope.district_ids)
    )


@dataclass(frozen=True)
class Step:
    source: str
    target: str
    roles: tuple[str, ...]
    label: str


BOTH = (Role.STAFF, Role.SUPERVISOR)
SUPERVISORS = (Role.SUPERVISOR,)

# The workflow: staff move their cases up to "resolved"; only a supervisor with the
# district in scope closes (verifies the resolution), sends back or reopens.
TRANSITIONS = {
    Transition.VERIFY: Step(Status.REPORTED, Status.VERIFIED, BOTH, Transition.VERIFY.label),
    Transition.START: Step(Status.VERIFIED, Status.IN_RESOLUTION, BOTH, Transition.START.label),
    Transition.RESOLVE: Step(
        Status.IN_RESOLUTION, Status.RESOLVED, BOTH, Transition.RESOLVE.label
    ),
    Transition.CLOSE: Step(Status.RESOLVED, Status.CLOSED, SUPERVISORS, Transition.CLOSE.label),
    Transition.RETURN: Step(
        Status.RESOLVED, Status.IN_RESOLUTION, SUPERVISORS, Transition.RETURN.label
    ),
    Transition.REOPEN: Step(
        Status.CLOSED, Status.IN_RESOLUTION, SUPERVISORS, Transition.REOPEN.label
    ),
}


def allowed_transitions(user, case) -> list[tuple[str, Step]]:
    scope = scope_of(user)
    if not scope.covers(case.district_id):
        return []
    return [
        (name, step) for name, step in TRANSITIONS.items()
        if step.source == case.status and scope.role in step.roles
    ]


# ---------------------------------------------------------------- references
def allocate_references(count: int = 1, *, year: int | None = None) -> list[str]:
    """Hand out ``count`` new references ``RC-<year>-<5 digits>``, race-free.

    The counter row is incremented with one UPDATE, which holds its row lock until the
    transaction ends: a second writer waits, then continues from the new value.
    """
    year = year or timezone.localdate().year
    with transaction.atomic():
        updated = ReferenceCounter.objects.filter(year=year).update(last=F("last") + count)
        if not updated:
            try:
                with transaction.atomic():
                    ReferenceCounter.objects.create(year=year, last=count)
            except IntegrityError:  # someone created the year's row at the same moment
                ReferenceCounter.objects.filter(year=year).update(last=F("last") + count)
        last = ReferenceCounter.objects.get(year=year).last
    return [f"RC-{year}-{number:05d}" for number in range(last - count + 1, last + 1)]


# ---------------------------------------------------------------- checks shared by writes
def eligible_owners(district_id):
    """Active users who may own a case of the district: its staff and its supervisors."""
    return (
        get_user_model().objects.filter(is_active=True)
        .filter(
            Q(membership__role__in=BOTH, membership__districts=district_id)
            | Q(membership__role=Role.SUPERVISOR, membership__city_wide=True)
        )
        .distinct()
        .order_by("first_name", "username")
    )


def _check_scope_and_owner(user, case):
    if not scope_of(user).covers(case.district_id):
        raise ValidationError({"district": _("You can only register cases in your districts.")})
    if not eligible_owners(case.district_id).filter(pk=case.owner_id).exists():
        raise ValidationError(
            {"owner": _("The owner must be staff or a supervisor of the case's district.")}
        )


def check_open(case):
    """A closed case takes no change until a supervisor reopens it."""
    if not case.is_open:
        raise ValidationError(_("The case is closed: a supervisor can reopen it first."))


def _save_details(case, details):
    """Save the kind details given with the form, linked to ``case``."""
    if details is None:
        return
    expected = DETAILS_MODELS.get(case.category.kind)
    if not isinstance(details, expected or ()):
        return  # details of another kind are ignored, never stored against this case
    details.case = case
    details.full_clean()
    details.save()


# ---------------------------------------------------------------- register and edit
@transaction.atomic
def register_case(*, user, case: Case, details=None) -> Case:
    """Save a new case (a validated, unsaved instance) with its details and history."""
    if not can_register(user):
        raise ValidationError(_("Your role cannot register cases."))
    _check_scope_and_owner(user, case)
    case.full_clean(exclude=["reference", "created_by", "updated_by"])
    now = timezone.now()
    case.reference = allocate_references(1)[0]
    case.status = Status.REPORTED
    case.created_by = case.updated_by = user
    case.created_at = case.updated_at = now
    if case.next_follow_up_due is None:
        case.next_follow_up_due = case.next_due_after(timezone.localdate())
    case.save()
    _save_details(case, details)
    events.case_created(case=case, user=user)
    return case


# The fields a person edits; the others change only through actions.
EDITABLE_FIELDS = [
    "title", "description", "category", "district", "address", "risk_level", "source",
    "responsible_unit", "lead_official", "contact_name", "contact_id_number", "contact_phone",
    "owner", "target_date", "people_affected", "people_helped", "amount_involved",
    "amount_recovered",
]
# Personal data: the history keeps these masked, never the whole number.
MASKED_FIELDS = {"contact_id_number": mask_id, "contact_phone": mask_phone}


def _shown(instance, field_name):
    """A field's value as the history keeps it: a choice's value and a category's or
    district's code, which the history shows in the reader's language
    (cases.views.timeline); other values as text."""
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field_name)
    if value is None or value == "":
        return ""
    if field_name in MASKED_FIELDS:
        return MASKED_FIELDS[field_name](value)
    if field.choices:
        return str(value)
    if field.is_relation and hasattr(value, "code"):
        return value.code
    return str(value)


def _diff(old, new, fields):
    return {
        name: [_shown(old, name), _shown(new, name)]
        for name in fields
        if getattr(old, name if not old._meta.get_field(name).is_relation else f"{name}_id")
        != getattr(new, name if not new._meta.get_field(name).is_relation else f"{name}_id")
    }


@transaction.atomic
def update_case(*, user, case: Case, details=None, note="") -> dict:
    """Save the edits in ``case`` (a validated instance); returns the changes recorded
    (``note``: the reason given with a bulk change, kept with them in the history)."""
    current = Case.objects.select_for_update().select_related(
        "category", "district", "owner"
    ).get(pk=case.pk)
    if not can_work_on(user, current):
        raise ValidationError(_("You cannot edit this case."))
    _check_scope_and_owner(user, case)
    if not current.is_open:
        raise ValidationError(_("A closed case cannot be edited; a supervisor can reopen it."))
    changes = _diff(current, case, EDITABLE_FIELDS)
    detail_changes = {}
    if details is not None and isinstance(details, DETAILS_MODELS.get(case.category.kind, ())):
        old_details = type(details).objects.filter(case=current).first()
        if old_details is not None:
            details.pk = old_details.pk
            details._state.adding = False  # the same row, edited
            names = [f.name for f in details._meta.fields if f.name not in ("id", "case")]
            detail_changes = _diff(old_details, details, names)
        else:
            detail_changes = {"details": ["", str(details)]}
    if not changes and not detail_changes:
        return {}
    case.updated_by = user
    case.updated_at = timezone.now()
    if "risk_level" in changes and case.next_follow_up_due:
        # The interval changed: the next follow-up is due that much after today at most.
        case.next_follow_up_due = min(
            case.next_follow_up_due, case.next_due_after(timezone.localdate())
        )
    case.save(update_fields=[*EDITABLE_FIELDS, "updated_by", "updated_at", "next_follow_up_due"])
    _save_details(case, details)
    # After the save the case must still be in the user's scope (netbox restrict()).
    if not Case.objects.for_user(user).filter(pk=case.pk).exists():
        raise ValidationError({"district": _("You cannot move a case out of your districts.")})
    events.case_edited(case=case, user=user, changes={**changes, **detail_changes}, note=note)
    return {**changes, **detail_changes}


# ---------------------------------------------------------------- the workflow
@transaction.atomic
def transition(*, user, case: Case, name: str, note: str) -> Case:
    """Move the case one step along the workflow; refused steps change nothing."""
    return transition_many(user=user, cases=[case], name=name, note=note)[0]


@transaction.atomic
def transition_many(*, user, cases: list, name: str, note: str) -> list:
    """Move the cases one step along the workflow together, as ``transition`` moves one:
    the same checks, and each case its own history entry and announcement. A refusal for
    any case changes none. The queries grow with the risk levels among the cases (a
    reopened case's next follow-up depends on it), not with the cases: a bulk action
    takes this step for up to 2,000 cases at a time."""
    step = TRANSITIONS.get(name)
    if step is None:
        raise ValidationError(_("Unknown step."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Every status change needs a note.")})
    scope = scope_of(user)
    if any(not scope.covers(case.district_id) for case in cases) or scope.role not in step.roles:
        raise ValidationError(
            _("Only a supervisor of the case's district can do this: %(step)s.")
            % {"step": step.label}
            if step.roles == SUPERVISORS else _("You cannot change this case's status.")
        )
    now = timezone.now()
    stamps = {"status": step.target, "updated_by": user, "updated_at": now}
    if step.target == Status.RESOLVED:
        stamps["resolved_at"] = now
        # Marked resolved, the case awaits a supervisor's verification: no follow-up is due
        # (no reminder, no escalation) until it is sent back to resolution.
        stamps["next_follow_up_due"] = None
    if step.target == Status.CLOSED:
        stamps["closed_at"] = now
    if step.source == Status.CLOSED:
        stamps["closed_at"] = None
        stamps["resolved_at"] = None
        stamps["merged_into"] = None  # a reopened duplicate counts again
    by_level = {}
    for case in cases:
        by_level.setdefault(case.risk_level, []).append(case)
    moved = 0
    for group in by_level.values():
        values = dict(stamps)
        if step.target == Status.IN_RESOLUTION and step.source in (
                Status.CLOSED, Status.RESOLVED):
            values["next_follow_up_due"] = group[0].next_due_after(timezone.localdate())
        # Conditional update: a case whose status someone changed meanwhile is not moved.
        moved += Case.objects.filter(pk__in=[case.pk for case in group],
                                     status=step.source).update(**values)
        # The rows as the UPDATE left them, without reading them again.
        for case in group:
            for field, value in values.items():
                setattr(case, field, value)
    if moved != len(cases):
        raise ValidationError(
            _("The case is no longer “%(status)s”: someone changed it meanwhile. "
              "Reload the page.") % {"status": Status(step.source).label}
        )
    events.cases_transitioned(
        cases=cases, user=user, transition=name, old_status=step.source,
        new_status=step.target, note=note,
    )
    return cases
