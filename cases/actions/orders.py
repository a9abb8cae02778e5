"""Supervision orders (督办单) and their extensions: who may take which step, issuing,
acknowledging, answering, closing and sending back an order, asking for and deciding on
more time."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from cases import events
from cases.actions.cases import check_open
from cases.actions.follow_ups import add_attachment
from cases.choices import ExtensionState, OrderState, SupervisionLevel
from cases.models import Case, ExtensionRequest, SupervisionOrder
from riskdesk.access import scope_of
from riskdesk.choices import NoticeKind, Role
from riskdesk.files import check_upload
from riskdesk.notify import notify

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
def issue_order(*, user, case: Case, level, instructions, due_date, note="") -> SupervisionOrder:
    """A supervisor covering the case's district orders the district to act by a date
    (``note``: the reason given with a bulk issue, kept in the history)."""
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
    events.order_issued(case=case, user=user, order=order, supervision_level=change, note=note)
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
    check_open(current.case)
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
    check_open(current.case)
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
        params=_notice_params(current.case, state=NOTICE_STATES["answered"],
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
        params=_notice_params(current.case, state=NOTICE_STATES["closed"],
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
    check_open(current.case)
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
        params=_notice_params(current.case, state=NOTICE_STATES["returned"],
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
    check_open(current.case)
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
        params=_notice_params(current.case, state=NOTICE_STATES["requested"],
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
        params=_notice_params(order.case, state=NOTICE_STATES[state],
                              date=extension.requested_due_date.isoformat()),
    )
    request.refresh_from_db()
    return request

