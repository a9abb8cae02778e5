from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from api.choices import TokenScope
from cases.forms import DETAILS_FORMS, CaseForm

MAX_DAYS = 3650


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100,
        help_text=_("What the token is for, e.g. “12345 hotline sync”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=TokenScope.choices, initial=TokenScope.READ,
        widget=forms.RadioSelect,
    )
    expires_days = forms.IntegerField(
        label=_("Expires after (days)"), min_value=1, max_value=MAX_DAYS, required=False,
        initial=365, help_text=_("Leave empty for a token that does not expire."),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."), code="required")
        return name


class ApiCaseForm(CaseForm):
    """The page's case form, as it is (its fields, clean methods and the model's
    validation), taking the category and district by code and the owner by user name."""

    BY = {"category": "code", "district": "code", "owner": "username"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, key in self.BY.items():
            self.fields[name].to_field_name = key
            initial = self.initial.get(name)
            if self.fields[name].disabled and initial is not None:
                # the staff's own district: given as the row, whatever the lookup key
                self.initial[name] = self.fields[name].queryset.model.objects.filter(
                    pk=initial).first()


def case_form_data(data, case=None):
    """The form data of a JSON body: the case's current values first (for a PATCH),
    then the body's; each kind's details (``real_estate``: {...}) under the details
    form's prefix (``re-project_name``)."""
    values = {}
    if case is not None:
        for name in ApiCaseForm.Meta.fields:
            value = getattr(case, name)
            if name in ApiCaseForm.BY:
                value = getattr(value, ApiCaseForm.BY[name]) if value is not None else ""
            elif name in CaseForm.PERSONAL:
                value = ""  # empty keeps the stored number
            values[name] = "" if value is None else value
        for form_class, related_name, prefix in DETAILS_FORMS.values():
            details = getattr(case, related_name, None)
            if details is not None:
                values.update({f"{prefix}-{field}": getattr(details, field)
                               for field in form_class.Meta.fields})
    odd = {}
    for name, value in data.items():
        if name in DETAILS_PREFIXES and isinstance(value, dict):
            if any(isinstance(item, dict | list) for item in value.values()):
                odd[name] = [_("Enter a valid value.")]
            values.update({f"{DETAILS_PREFIXES[name]}-{field}": item
                           for field, item in value.items()})
        elif isinstance(value, dict | list):  # a form field takes one value, not a structure
            odd[name] = [_("Enter a valid value.")]
        else:
            values[name] = value
    if odd:
        raise ValidationError(odd)
    return values


DETAILS_PREFIXES = {related_name: prefix for _form, related_name, prefix
                    in DETAILS_FORMS.values()}
