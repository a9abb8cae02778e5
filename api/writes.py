"""The API's writes to cases: a JSON body through the pages' forms into ``cases.actions``.

The forms (``api.forms.ApiCaseForm``: the page's ``CaseForm``, with codes) and the
actions check everything and write the history, as for the pages; this module only
turns a JSON body into form data and the forms' errors into field-keyed ones.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions

from api.forms import ApiCaseForm, case_form_data
from cases import actions
from cases.forms import DETAILS_FORMS, details_forms
from cases.models import Case
from riskdesk.access import scope_of


def _object(data):
    if not isinstance(data, dict):
        raise ValidationError({"detail": [_("Send a JSON object.")]})
    return data


def _valid_forms(user, data, case):
    """The case form and the chosen kind's details form, valid; else a field-keyed 400
    (the details' errors under their kind: ``{"real_estate": {"stage": [...]}}``)."""
    values = case_form_data(data, case if case.pk else None)
    if not case.pk and not scope_of(user).integration:
        # as the page: you own it at first (a system's account owns none: it names one)
        values.setdefault("owner", user.get_username())
    form = ApiCaseForm(values, instance=case, user=user)
    errors = {} if form.is_valid() else _messages(form)
    kind = form.chosen_kind()
    details_form = details_forms(case, values, kind=kind).get(kind)
    if details_form is not None and case.pk and _details_untouched(data, case, kind):
        details_form = None  # a PATCH of other fields: the details stay as they are
    if details_form is not None and not details_form.is_valid():
        related_name = DETAILS_FORMS[kind][1]
        errors[related_name] = _messages(details_form)
    if errors:
        raise exceptions.ValidationError(errors)
    return form, details_form.save(commit=False) if details_form is not None else None


def _details_untouched(data, case, kind):
    """Whether an edit leaves the details alone: none sent, the category kept, and the
    case has none of its kind (those it has are sent again as they are)."""
    related_name = DETAILS_FORMS[kind][1]
    return (related_name not in data and "category" not in data
            and getattr(case, related_name, None) is None)


def _messages(form):
    return {("detail" if name == "__all__" else name): [error["message"] for error in errors]
            for name, errors in form.errors.get_json_data().items()}


def _same_source(user, case):
    """The district's case of the same source reference, if there is one in scope."""
    if not case.source_reference or case.district_id is None:
        return None
    return Case.objects.for_user(user).filter(
        district_id=case.district_id, source_reference=case.source_reference).first()


def register(user, data):
    """Register a case; returns ``(case, created)``. A source reference the district
    already has returns that case unchanged (``created`` False): also when the same case
    is sent twice at once, since the second insert waits for the first one's commit on
    the unique index (``cases_case_unique_source_reference``), then finds its case."""
    data = _object(data)
    if not actions.can_register(user):
        raise exceptions.PermissionDenied(_("Your role cannot register cases."))
    source_reference = data.get("source_reference", "")
    if not isinstance(source_reference, str):
        raise ValidationError({"source_reference": [_("Enter a valid value.")]})
    case = Case(source_reference=source_reference.strip())
    form, details = _valid_forms(user, {name: value for name, value in data.items()
                                        if name != "source_reference"}, case)
    existing = _same_source(user, form.instance)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return actions.register_case(user=user, case=form.instance, details=details), True
    except (IntegrityError, ValidationError):
        existing = _same_source(user, form.instance)
        if existing is None:
            raise
        return existing, False


def update(user, case, data):
    """Edit a case with the fields sent (the others keep their values)."""
    data = _object(data)
    if not actions.can_work_on(user, case):
        raise exceptions.PermissionDenied(_("You cannot edit this case."))
    form, details = _valid_forms(user, data, case)
    actions.update_case(user=user, case=form.instance, details=details)
    return case


def transition(user, case, *, name, note):
    return actions.transition(user=user, case=case, name=name, note=note)

