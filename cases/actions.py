"""The use cases of risk cases. Each checks the user's right, changes the rows, writes the
history, all in one transaction; a refusal raises ``ValidationError`` and changes nothing.
"""

import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from cases import events
from cases.choices import (
    CategoryKind,
    ExtensionState,
    OrderState,
    Status,
    SupervisionLevel,
    Transition,
)
from cases.models import (
    DETAILS_MODELS,
    Attachment,
    Case,
    ExtensionRequest,
    FollowUp,
    ReferenceCounter,
    SupervisionOrder,
)
from riskdesk.access import scope_of
from riskdesk.choices import NoticeKind, Role
from riskdesk.files import check_upload
from riskdesk.notify import notify
from riskdesk.personal import mask_id, mask_phone


# ---------------------------------------------------------------- who may do what
def can_work_on(user, case) -> bool:
    """Staff of the case's district and supervisors covering it edit and follow up."""
    scope = scope_of(user)
    return scope.role in (Role.STAFF, Role.SUPERVISOR) and scope.covers(case.district_id)


def can_reveal_personal_data(user, case) -> bool:
    """The case's owner, a supervisor covering its district and admins see whole numbers."""
    scope = scope_of(user)
    if not scope.covers(case.district_id):
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


def _check_open(case):
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
    """A field's value as text for the history (choice labels and names resolved)."""
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field_name)
    if value is None or value == "":
        return ""
    if field_name in MASKED_FIELDS:
        return MASKED_FIELDS[field_name](value)
    if field.choices:
        return str(getattr(instance, f"get_{field_name}_display")())
    if field.is_relation:
        return str(value)
    return str(value)


def _diff(old, new, fields):
    return {
        name: [_shown(old, name), _shown(new, name)]
        for name in fields
        if getattr(old, name if not old._meta.get_field(name).is_relation else f"{name}_id")
        != getattr(new, name if not new._meta.get_field(name).is_relation else f"{name}_id")
    }


@transaction.atomic
def update_case(*, user, case: Case, details=None) -> dict:
    """Save the edits in ``case`` (a validated instance); returns the changes recorded."""
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
    events.case_edited(case=case, user=user, changes={**changes, **detail_changes})
    return {**changes, **detail_changes}


# ---------------------------------------------------------------- the workflow
@transaction.atomic
def transition(*, user, case: Case, name: str, note: str) -> Case:
    """Move the case one step along the workflow; refused steps change nothing."""
    step = TRANSITIONS.get(name)
    if step is None:
        raise ValidationError(_("Unknown step."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Every status change needs a note.")})
    scope = scope_of(user)
    if not scope.covers(case.district_id) or scope.role not in step.roles:
        raise ValidationError(
            _("Only a supervisor of the case's district can do this: %(step)s.")
            % {"step": step.label}
            if step.roles == SUPERVISORS else _("You cannot change this case's status.")
        )
    now = timezone.now()
    stamps = {}
    if step.target == Status.RESOLVED:
        stamps["resolved_at"] = now
    if step.target == Status.CLOSED:
        stamps["closed_at"] = now
    if step.source == Status.CLOSED:
        stamps["closed_at"] = None
        stamps["resolved_at"] = None
    if step.target == Status.IN_RESOLUTION and step.source in (Status.CLOSED, Status.RESOLVED):
        stamps["next_follow_up_due"] = case.next_due_after(timezone.localdate())
    # Conditional update: if someone changed the status meanwhile, nothing happens.
    moved = Case.objects.filter(pk=case.pk, status=step.source).update(
        status=step.target, updated_by=user, updated_at=now, **stamps
    )
    if moved != 1:
        raise ValidationError(
            _("The case is no longer “%(status)s”: someone changed it meanwhile. "
              "Reload the page.") % {"status": Status(step.source).label}
        )
    events.case_transitioned(
        case=case, user=user, transition=name, old_status=step.source,
        new_status=step.target, note=note,
    )
    case.refresh_from_db()
    return case


# ---------------------------------------------------------------- follow-ups and files
@transaction.atomic
def log_follow_up(*, user, case: Case, follow_up: FollowUp, uploads=()) -> FollowUp:
    """Record a follow-up, add its figures to the case and move the next due date."""
    for upload in uploads:
        check_upload(upload)  # every file is checked before anything is written
    case = Case.objects.select_for_update().select_related("category").get(pk=case.pk)
    if not can_work_on(user, case):
        raise ValidationError(_("You cannot log follow-ups on this case."))
    if not case.is_open:
        raise ValidationError(_("A closed case takes no follow-ups; a supervisor can reopen it."))
    if follow_up.date > timezone.localdate():
        raise ValidationError({"date": _("A follow-up cannot be dated in the future.")})
    case.people_helped += follow_up.people_helped_added
    case.amount_recovered += follow_up.amount_recovered_added
    errors = {}
    if case.people_helped > case.people_affected:
        errors["people_helped_added"] = _(
            "That would make %(helped)s helped out of %(affected)s affected: "
            "update the number affected on the case first."
        ) % {"helped": case.people_helped, "affected": case.people_affected}
    if case.amount_recovered > case.amount_involved:
        errors["amount_recovered_added"] = _(
            "That would make %(recovered)s recovered out of %(involved)s involved: "
            "update the amount involved on the case first."
        ) % {"recovered": case.amount_recovered, "involved": case.amount_involved}
    real_estate = None
    if follow_up.households_delivered_added:
        if case.category.kind != CategoryKind.REAL_ESTATE:
            errors["households_delivered_added"] = _(
                "Households delivered apply only to real-estate cases."
            )
        else:
            real_estate = case.real_estate if hasattr(case, "real_estate") else None
            if real_estate is None:
                errors["households_delivered_added"] = _(
                    "Fill in the project's details on the case first."
                )
            else:
                real_estate.households_delivered += follow_up.households_delivered_added
                if real_estate.households_delivered > real_estate.households_affected:
                    errors["households_delivered_added"] = _(
                        "More households delivered than affected: check the figures."
                    )
    if errors:
        raise ValidationError(errors)
    follow_up.case = case
    follow_up.created_by = user
    follow_up.save()
    if real_estate is not None:
        real_estate.save(update_fields=["households_delivered"])
    # The next follow-up is due one interval after the latest follow-up done: logging an
    # older one afterwards does not pull the date back.
    latest = FollowUp.objects.filter(case=case).order_by("-date").values_list(
        "date", flat=True
    ).first()
    next_due = case.next_due_after(max(latest or follow_up.date, follow_up.date))
    case.next_follow_up_due = next_due
    case.updated_by = user
    case.updated_at = timezone.now()
    case.save(update_fields=[
        "people_helped", "amount_recovered", "next_follow_up_due", "updated_by", "updated_at",
    ])
    events.follow_up_logged(case=case, user=user, follow_up=follow_up, next_due=next_due)
    for upload in uploads:
        add_attachment(user=user, case=case, upload=upload, follow_up=follow_up)
    return follow_up


@transaction.atomic
def add_attachment(*, user, case: Case, upload, follow_up=None, order=None) -> Attachment:
    """Store an uploaded file (checked by name, content and size) on the case; ``order``
    links it to the supervision order it answers."""
    if not can_work_on(user, case):
        raise ValidationError(_("You cannot add files to this case."))
    if order is not None and order.case_id != case.pk:
        raise ValidationError(_("This supervision order belongs to another case."))
    # Judged on the locked row as it is now, before the file is written anywhere.
    _check_open(Case.objects.select_for_update().only("status").get(pk=case.pk))
    checked = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        case=case, follow_up=follow_up, order=order, original_name=checked.name[:255],
        content_type=checked.content_type, kind=checked.kind, size=upload.size,
        sha256=digest.hexdigest(), uploaded_by=user,
    )
    attachment.file.save(checked.name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # no orphan file if the row is not written
        raise
    events.attachment_added(case=case, user=user, attachment=attachment)
    return attachment


# ---------------------------------------------------------------- supervision orders
# 督办单: a supervisor issues an order on a case; the district's staff acknowledge and
# answer it; a supervisor closes it or sends it back. Staff may ask for more time once at
# a time; a supervisor grants (the due date moves, the original stays) or refuses.

SUPERVISION_RANK = {"": 0, SupervisionLevel.DISTRICT: 1, SupervisionLevel.CITY: 2}
# The supervision level an escalation implies (level 1: district, level 2: city).
ESCALATION_SUPERVISION = {1: SupervisionLevel.DISTRICT, 2: SupervisionLevel.CITY}

# The state word filled into the notices' sentences ("the supervision order was ...").
NOTICE_STATES = {
    "answered": pgettext_lazy("supervision order notice", "answered"),
    "returned": pgettext_lazy("supervision order notice", "sent back"),
    "closed": pgettext_lazy("supervision order notice", "closed"),
    "requested": pgettext_lazy("extension notice", "requested"),
    "granted": pgettext_lazy("extension notice", "granted"),
    "refused": pgettext_lazy("extension notice", "refused"),
}

# The steps a person takes on an order, as offered on the pages.
ORDER_STEPS = ("acknowledge", "answer", "extension", "close", "return", "decide")


def issue_order_refusal(user, case) -> str | None:
    """Why this user cannot issue an order on the case now, or None if they can."""
    scope = scope_of(user)
    if not (scope.is_supervisor and scope.covers(case.district_id)):
        return _("Only a supervisor of the case's district can issue a supervision order.")
    if not case.is_open:
        return _("A closed case takes no supervision orders; a supervisor can reopen it first.")
    return None


def can_issue_order(user, case) -> bool:
    return issue_order_refusal(user, case) is None


def order_levels(user) -> list[str]:
    """The levels of order this user may issue: city-level only for city-wide supervisors."""
    scope = scope_of(user)
    if not scope.is_supervisor:
        return []
    if scope.everything:
        return [SupervisionLevel.DISTRICT, SupervisionLevel.CITY]
    return [SupervisionLevel.DISTRICT]


def is_district_staff(user, order) -> bool:
    scope = scope_of(user)
    return scope.is_staff and scope.covers(order.case.district_id)


def can_acknowledge_order(user, order) -> bool:
    scope = scope_of(user)
    return scope.covers(order.case.district_id) and (
        scope.is_staff or user.pk == order.case.owner_id
    )


def can_supervise_order(user, order) -> bool:
    """Close, send back, decide extensions: a supervisor covering the case's district; a
    city-level order only a city-wide supervisor (as only they can issue one)."""
    scope = scope_of(user)
    if not (scope.is_supervisor and scope.covers(order.case.district_id)):
        return False
    return order.level != SupervisionLevel.CITY or scope.everything


def allowed_order_steps(user, order, *, pending=None) -> list[str]:
    """The steps this user may take on the order now (``pending``: its extension request
    waiting for a decision, if any). Reads no rows: the pages call it for every order."""
    if order.state == OrderState.CLOSED:
        return []
    if not order.case.is_open:  # a closed case's orders are only wound down
        steps = {"close"} if order.state == OrderState.ANSWERED else set()
        if pending is not None:
            steps.add("decide")
        return [step for step in ORDER_STEPS if step in steps and can_supervise_order(user, order)]
    steps = set()
    if order.state in (OrderState.ISSUED, OrderState.RETURNED) and can_acknowledge_order(
        user, order
    ):
        steps.add("acknowledge")
    if is_district_staff(user, order):
        if order.state == OrderState.ACKNOWLEDGED:
            steps.add("answer")
        if order.awaiting_answer and pending is None:
            steps.add("extension")
    if can_supervise_order(user, order):
        if order.state == OrderState.ANSWERED:
            steps.update(("close", "return"))
        if pending is not None:
            steps.add("decide")
    return [step for step in ORDER_STEPS if step in steps]


def order_url(order) -> str:
    return reverse("supervision:order", args=[order.pk])


def _notice_params(case, **extra):
    return {"ref": case.reference, "title": case.title, **extra}


def _district_staff_and_owner(case):
    return (
        get_user_model().objects.filter(is_active=True)
        .filter(
            Q(pk=case.owner_id)
            | Q(membership__role=Role.STAFF, membership__districts=case.district_id)
        )
        .distinct()
        .order_by("pk")
    )


def _notify(users, *, actor, **notice):
    """One notice per person (never to whoever acted); ``notify`` keeps it once per key."""
    for person in users:
        if person is not None and person.pk != actor.pk:
            notify(person, **notice)


def _current_order(pk) -> SupervisionOrder:
    """The order as it is now, with its case (refusals are judged on fresh rows)."""
    return SupervisionOrder.objects.select_related("case", "case__owner", "issued_by").get(
        pk=pk
    )


def _move_order(order, *, sources, target, **fields):
    """Conditional update: the order moves only if it is still in one of ``sources``."""
    moved = SupervisionOrder.objects.filter(pk=order.pk, state__in=sources).update(
        state=target, **fields
    )
    if moved != 1:
        raise ValidationError(
            _("Someone changed this supervision order meanwhile: reload the page.")
        )


def refresh_supervision_level(case) -> list[str] | None:
    """Set the case's supervision level to the highest of its open orders and of what its
    escalation implies. Returns [old, new] when it changed, else None."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    levels = set(
        SupervisionOrder.objects.filter(case=current).exclude(state=OrderState.CLOSED)
        .values_list("level", flat=True)
    )
    levels.add(ESCALATION_SUPERVISION.get(current.escalation_level, ""))
    best = max(levels, key=lambda level: SUPERVISION_RANK.get(level, 0))
    old = current.supervision_level
    case.supervision_level = best
    if best == old:
        return None
    Case.objects.filter(pk=case.pk).update(supervision_level=best)
    return [old, best]


def _wrong_state(order, message):
    return ValidationError(message % {"state": OrderState(order.state).label})


@transaction.atomic
def issue_order(*, user, case: Case, level, instructions, due_date) -> SupervisionOrder:
    """A supervisor covering the case's district orders the district to act by a date."""
    refusal = issue_order_refusal(user, case)
    if refusal:
        raise ValidationError(refusal)
    scope = scope_of(user)
    errors = {}
    if level not in SupervisionLevel.values:
        errors["level"] = _("Choose the level of supervision.")
    elif level == SupervisionLevel.CITY and not scope.everything:
        errors["level"] = _("Only a city-wide supervisor can issue a city-level order.")
    instructions = (instructions or "").strip()
    if not instructions:
        errors["instructions"] = _("Say what the district must do.")
    if due_date is None:
        errors["due_date"] = _("Set the date the answer is due.")
    elif due_date < timezone.localdate():
        errors["due_date"] = _("The due date cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    case = Case.objects.select_for_update().get(pk=case.pk)
    refusal = issue_order_refusal(user, case)  # judged again on the locked, fresh row
    if refusal:
        raise ValidationError(refusal)
    order = SupervisionOrder.objects.create(
        case=case, level=level, instructions=instructions, due_date=due_date,
        original_due_date=due_date, issued_by=user, issued_at=timezone.now(),
    )
    change = refresh_supervision_level(case)
    events.order_issued(case=case, user=user, order=order, supervision_level=change)
    _notify(
        _district_staff_and_owner(case), actor=user, kind=NoticeKind.ORDER_ISSUED,
        key=f"order:{order.pk}:issued", url=order_url(order),
        params=_notice_params(case, date=due_date.isoformat()),
    )
    return order


@transaction.atomic
def acknowledge_order(*, user, order: SupervisionOrder) -> SupervisionOrder:
    """Staff of the district (or the case's owner) confirm they received the order."""
    current = _current_order(order.pk)
    if not can_acknowledge_order(user, current):
        raise ValidationError(
            _("Only staff of the case's district or its owner can acknowledge this order.")
        )
    _check_open(current.case)
    sources = [OrderState.ISSUED, OrderState.RETURNED]
    if current.state not in sources:
        raise _wrong_state(current, _(
            "Only an order just issued or sent back can be acknowledged; this one is "
            "“%(state)s”."
        ))
    _move_order(current, sources=sources, target=OrderState.ACKNOWLEDGED,
                acknowledged_by=user, acknowledged_at=timezone.now())
    events.order_acknowledged(case=current.case, user=user, order=current,
                              from_state=current.state)
    order.refresh_from_db()
    return order


@transaction.atomic
def answer_order(*, user, order: SupervisionOrder, answer, uploads=()) -> SupervisionOrder:
    """Staff of the district say what was done; files go onto the case, linked to it."""
    for upload in uploads:
        check_upload(upload)  # every file is checked before anything is written
    current = _current_order(order.pk)
    if not is_district_staff(user, current):
        raise ValidationError(_("Only staff of the case's district can answer this order."))
    _check_open(current.case)
    if current.state in (OrderState.ISSUED, OrderState.RETURNED):
        raise ValidationError(_("Acknowledge the order first, then answer it."))
    if current.state != OrderState.ACKNOWLEDGED:
        raise _wrong_state(current, _(
            "This order is “%(state)s”: it takes no answer now."
        ))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer: what was done and what came of it.")})
    _move_order(current, sources=[OrderState.ACKNOWLEDGED], target=OrderState.ANSWERED,
                answer=answer, answered_by=user, answered_at=timezone.now())
    current.answer = answer
    attachments = [
        add_attachment(user=user, case=current.case, upload=upload, order=current)
        for upload in uploads
    ]
    event = events.order_answered(case=current.case, user=user, order=current,
                                  attachments=attachments)
    _notify(
        [current.issued_by], actor=user, kind=NoticeKind.ORDER_UPDATE,
        key=f"order:{current.pk}:answered:{event.pk}", url=order_url(current),
        params=_notice_params(current.case, state=str(NOTICE_STATES["answered"]),
                              date=current.due_date.isoformat()),
    )
    order.refresh_from_db()
    return order


def _check_supervisor(user, order, message):
    if not can_supervise_order(user, order):
        if order.level == SupervisionLevel.CITY and scope_of(user).is_supervisor:
            message = _("Only a city-wide supervisor can decide on a city-level order.")
        raise ValidationError(message)


@transaction.atomic
def close_order(*, user, order: SupervisionOrder, note="") -> SupervisionOrder:
    """A supervisor accepts the answer; the case's supervision level follows what stays
    open."""
    current = _current_order(order.pk)
    _check_supervisor(user, current, _(
        "Only a supervisor of the case's district can close this order."
    ))
    if current.state != OrderState.ANSWERED:
        raise _wrong_state(current, _(
            "Only an answered order can be closed; this one is “%(state)s”."
        ))
    note = (note or "").strip()
    _move_order(current, sources=[OrderState.ANSWERED], target=OrderState.CLOSED,
                closed_by=user, closed_at=timezone.now())
    change = refresh_supervision_level(current.case)
    events.order_closed(case=current.case, user=user, order=current, note=note,
                        supervision_level=change)
    _notify(
        [current.case.owner], actor=user, kind=NoticeKind.ORDER_UPDATE,
        key=f"order:{current.pk}:closed", url=order_url(current),
        params=_notice_params(current.case, state=str(NOTICE_STATES["closed"]),
                              date=current.due_date.isoformat()),
    )
    order.refresh_from_db()
    return order


@transaction.atomic
def return_order(*, user, order: SupervisionOrder, note) -> SupervisionOrder:
    """A supervisor sends the answer back: staff acknowledge and answer again."""
    current = _current_order(order.pk)
    _check_supervisor(user, current, _(
        "Only a supervisor of the case's district can send this order back."
    ))
    _check_open(current.case)
    if current.state != OrderState.ANSWERED:
        raise _wrong_state(current, _(
            "Only an answered order can be sent back; this one is “%(state)s”."
        ))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what is missing from the answer.")})
    _move_order(current, sources=[OrderState.ANSWERED], target=OrderState.RETURNED,
                return_note=note)
    event = events.order_returned(case=current.case, user=user, order=current, note=note)
    _notify(
        [current.case.owner], actor=user, kind=NoticeKind.ORDER_UPDATE,
        key=f"order:{current.pk}:returned:{event.pk}", url=order_url(current),
        params=_notice_params(current.case, state=str(NOTICE_STATES["returned"]),
                              date=current.due_date.isoformat()),
    )
    order.refresh_from_db()
    return order


@transaction.atomic
def request_extension(*, user, order: SupervisionOrder, reason,
                      requested_due_date) -> ExtensionRequest:
    """Staff of the district ask for a later due date; one request waits at a time."""
    current = _current_order(order.pk)
    if not is_district_staff(user, current):
        raise ValidationError(
            _("Only staff of the case's district can ask for more time on this order.")
        )
    _check_open(current.case)
    if not current.awaiting_answer:
        raise _wrong_state(current, _(
            "Only an order waiting for its answer can get more time; this one is "
            "“%(state)s”."
        ))
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why more time is needed.")
    if requested_due_date is None or requested_due_date <= current.due_date:
        errors["requested_due_date"] = _(
            "Ask for a date after the current due date, %(date)s."
        ) % {"date": current.due_date.isoformat()}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            extension = ExtensionRequest.objects.create(
                order=current, requested_by=user, requested_at=timezone.now(), reason=reason,
                requested_due_date=requested_due_date,
            )
    except IntegrityError:  # the partial unique constraint: one pending request per order
        raise ValidationError(_(
            "A request for more time on this order is already waiting for a decision; "
            "a new one can be made once it is decided."
        )) from None
    events.extension_requested(case=current.case, user=user, order=current,
                               extension=extension)
    _notify(
        [current.issued_by], actor=user, kind=NoticeKind.EXTENSION,
        key=f"extension:{extension.pk}:requested", url=order_url(current),
        params=_notice_params(current.case, state=str(NOTICE_STATES["requested"]),
                              date=requested_due_date.isoformat()),
    )
    return extension


@transaction.atomic
def decide_extension(*, user, request: ExtensionRequest, grant: bool,
                     note="") -> ExtensionRequest:
    """A supervisor grants (the order's due date moves; its original due date stays as
    issued) or refuses (nothing moves) a pending request."""
    extension = ExtensionRequest.objects.select_related("requested_by").get(pk=request.pk)
    order = _current_order(extension.order_id)
    _check_supervisor(user, order, _(
        "Only a supervisor of the case's district can decide on more time for this order."
    ))
    if extension.state != ExtensionState.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if grant and order.state == OrderState.CLOSED:
        raise ValidationError(_("The order is closed: the request can only be refused."))
    if grant and not order.case.is_open:
        raise ValidationError(_("The case is closed: the request can only be refused."))
    note = (note or "").strip()
    now = timezone.now()
    state = ExtensionState.GRANTED if grant else ExtensionState.REFUSED
    decided = ExtensionRequest.objects.filter(
        pk=extension.pk, state=ExtensionState.PENDING
    ).update(state=state, decided_by=user, decided_at=now, decision_note=note)
    if decided != 1:
        raise ValidationError(_("Someone decided this request meanwhile: reload the page."))
    old_due = order.due_date
    if grant:
        moved = SupervisionOrder.objects.filter(
            pk=order.pk, due_date=old_due, due_date__lt=extension.requested_due_date
        ).exclude(state=OrderState.CLOSED).update(due_date=extension.requested_due_date)
        if moved != 1:
            raise ValidationError(
                _("Someone changed this supervision order meanwhile: reload the page.")
            )
    extension.refresh_from_db()
    events.extension_decided(case=order.case, user=user, order=order, extension=extension,
                             old_due_date=old_due)
    _notify(
        [extension.requested_by], actor=user, kind=NoticeKind.EXTENSION,
        key=f"extension:{extension.pk}:decided", url=order_url(order),
        params=_notice_params(order.case, state=str(NOTICE_STATES[state]),
                              date=extension.requested_due_date.isoformat()),
    )
    request.refresh_from_db()
    return request

