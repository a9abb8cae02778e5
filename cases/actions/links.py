"""Links between cases and merging a duplicate into its survivor. A link is never
deleted: removing it stamps it removed and writes an event on both cases. A merge closes
the duplicate with a pointer to its survivor (``Case.merged_into``), so the totals count
the problem once (``CaseQuerySet.counted``) and both histories stay readable."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import events
from cases.actions.cases import can_work_on
from cases.choices import OPEN_STATUSES, LinkKind, Status
from cases.models import Case, CaseLink
from riskdesk.access import scope_of
from riskdesk.choices import Role


# ---------------------------------------------------------------- who may do what
def can_link(user, case) -> bool:
    """Whoever works on an open case links it, to a case they can see."""
    return can_work_on(user, case) and case.is_open


def can_merge(user, duplicate, survivor=None) -> bool:
    """A supervisor covering both cases (the survivor's district too, when known)."""
    scope = scope_of(user)
    if scope.role != Role.SUPERVISOR or not scope.covers(duplicate.district_id):
        return False
    return survivor is None or scope.covers(survivor.district_id)


def visible_other(user, reference):
    """The case ``reference`` if the user may see it; a case out of scope is "not found",
    as its page would be."""
    found = Case.objects.for_user(user).select_related("district").filter(
        reference=(reference or "").strip().upper()).first()
    if found is None:
        raise ValidationError(
            {"other": _("No case with this reference in your districts.")})
    return found


# ---------------------------------------------------------------- link and unlink
@transaction.atomic
def link_cases(*, user, case, other, kind, note="") -> CaseLink:
    """Link ``case`` to ``other`` (both seen by the user); an event on both."""
    if not can_link(user, case):
        raise ValidationError(_("You cannot link this case."))
    if not Case.objects.for_user(user).filter(pk=other.pk).exists():
        raise ValidationError({"other": _("No case with this reference in your districts.")})
    if kind not in LinkKind.values:
        raise ValidationError({"kind": _("Choose how the cases are linked.")})
    if other.pk == case.pk:
        raise ValidationError({"other": _("A case cannot be linked to itself.")})
    if CaseLink.objects.current().filter(
        Q(from_case=case, to_case=other) | Q(from_case=other, to_case=case), kind=kind
    ).exists():
        raise ValidationError({"other": _("These cases are already linked this way.")})
    try:
        with transaction.atomic():
            link = CaseLink.objects.create(from_case=case, to_case=other, kind=kind,
                                           note=(note or "").strip(), created_by=user)
    except IntegrityError:  # the same link made at the same moment
        raise ValidationError({"other": _("These cases are already linked this way.")}) from None
    events.case_linked(case=case, other=other, user=user, link=link)
    events.case_linked(case=other, other=case, user=user, link=link)
    return link


@transaction.atomic
def unlink_cases(*, user, case, link, note="") -> CaseLink:
    """Mark ``link`` (one of ``case``'s) removed; it and both events stay."""
    if not can_link(user, case):
        raise ValidationError(_("You cannot change this case's links."))
    removed = CaseLink.objects.of(case).filter(pk=link.pk).update(
        removed_at=timezone.now(), removed_by=user)
    if removed != 1:
        raise ValidationError(_("This link was already removed."))
    link.refresh_from_db()
    other = link.other(case)
    events.case_unlinked(case=case, other=other, user=user, link=link, note=note)
    events.case_unlinked(case=other, other=case, user=user, link=link, note=note)
    return link


# ---------------------------------------------------------------- merge
@transaction.atomic
def merge_cases(*, user, duplicate, survivor, note) -> Case:
    """Close ``duplicate`` as merged into ``survivor``; its figures then count once."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("A merge needs a note.")})
    if not can_merge(user, duplicate, survivor):
        raise ValidationError(
            _("Only a supervisor covering both cases' districts can merge them."))
    if survivor.pk == duplicate.pk:
        raise ValidationError({"other": _("A case cannot be merged into itself.")})
    if survivor.merged_into_id is not None:
        raise ValidationError(
            {"other": _("That case was itself merged: merge into the case it was merged into.")})
    old_status = duplicate.status
    now = timezone.now()
    # Conditional: a case closed or merged meanwhile is not merged.
    moved = Case.objects.filter(
        pk=duplicate.pk, status__in=OPEN_STATUSES, merged_into__isnull=True
    ).update(status=Status.CLOSED, closed_at=now, merged_into=survivor, next_follow_up_due=None,
             updated_by=user, updated_at=now)
    if moved != 1:
        raise ValidationError(_("Only an open case can be merged; this one is closed."))
    duplicate.refresh_from_db()
    if not CaseLink.objects.current().filter(
        from_case=duplicate, to_case=survivor, kind=LinkKind.DUPLICATE_OF
    ).exists():
        link = CaseLink.objects.create(from_case=duplicate, to_case=survivor,
                                       kind=LinkKind.DUPLICATE_OF, note=note, created_by=user)
        events.case_linked(case=duplicate, other=survivor, user=user, link=link)
        events.case_linked(case=survivor, other=duplicate, user=user, link=link)
    events.case_merged(duplicate=duplicate, survivor=survivor, user=user,
                       old_status=old_status, note=note)
    return duplicate


@transaction.atomic
def register_and_link(*, user, case, details, other_reference, kind, note="") -> Case:
    """Register ``case`` and link it to a suggested duplicate, both or neither."""
    from cases.actions.cases import register_case

    other = visible_other(user, other_reference)
    case = register_case(user=user, case=case, details=details)
    link_cases(user=user, case=case, other=other, kind=kind, note=note)
    return case
