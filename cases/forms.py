from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cases.actions import EDITABLE_FIELDS, order_levels
from cases.actions.bulk import Bulk, Selection
from cases.choices import (
    DEFAULT_FIGURE_LABELS,
    FIGURE_LABELS,
    BulkAction,
    CategoryKind,
    LinkKind,
    RiskLevel,
    SupervisionLevel,
    with_unit,
)
from cases.models import (
    Case,
    Category,
    FollowUp,
    MassVictimDetails,
    RealEstateDetails,
    WageArrearsDetails,
)
from riskdesk.access import scope_of
from riskdesk.choices import Role
from riskdesk.forms import DateInput, MultipleFileField
from riskdesk.models import District
from riskdesk.personal import mask_id, mask_phone, normalise_phone, normalise_resident_id


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def owners_in_scope(user):
    """People who may own a case somewhere in the user's districts."""
    scope = scope_of(user)
    users = get_user_model().objects.filter(
        is_active=True, membership__role__in=(Role.STAFF, Role.SUPERVISOR)
    )
    if not scope.everything:
        users = users.filter(
            Q(membership__districts__in=scope.district_ids) | Q(membership__city_wide=True)
        )
    return users.distinct().order_by("first_name", "username")


class CaseForm(forms.ModelForm):
    """The case's own fields. A staff member's district is fixed to their own."""

    class Meta:
        model = Case
        fields = EDITABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "target_date": DateInput(),
        }
        field_classes = {"owner": UserChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        self.fields["category"].queryset = Category.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.category_id)
        )
        self.fields["category"].widget.attrs["data-kind-select"] = "1"
        self.category_kinds = dict(
            self.fields["category"].queryset.values_list("pk", "kind")
        )
        self.fields["district"].queryset = District.objects.for_user(user).active()
        self.fields["owner"].queryset = owners_in_scope(user)
        if scope.role == Role.STAFF:
            # Staff register and keep cases in their own district only.
            own = next(iter(scope.district_ids), None)
            if not self.instance.pk:
                self.initial["district"] = own
            self.fields["district"].disabled = True
        if not self.instance.pk and self.fields["owner"].queryset.filter(pk=user.pk).exists():
            self.initial["owner"] = user.pk  # whoever registers a case owns it at first
        kind = self.instance.category.kind if self.instance.category_id else None
        for name, label in FIGURE_LABELS.get(kind, DEFAULT_FIGURE_LABELS).items():
            self.fields[name].label = with_unit(name, label)
        # For the page's script: the figures' names for each kind of category.
        self.figure_labels_by_kind = {
            kind: {
                name: with_unit(name, label)
                for name, label in FIGURE_LABELS.get(kind, DEFAULT_FIGURE_LABELS).items()
            }
            for kind in CategoryKind.values
        }
        for name in ("people_affected", "people_helped", "amount_involved", "amount_recovered"):
            self.fields[name].widget.attrs["min"] = 0
            self.fields[name].required = False
        self._hide_personal_numbers()

    # Personal data (riskdesk.personal): the form never shows a stored number whole, since
    # everyone who may edit the case is not allowed to see it. Empty keeps the number;
    # a new one replaces it; the "remove" box clears it.
    PERSONAL = {
        "contact_id_number": (normalise_resident_id, mask_id, _("Remove the ID number")),
        "contact_phone": (normalise_phone, mask_phone, _("Remove the phone number")),
    }

    def _hide_personal_numbers(self):
        for name in self.PERSONAL:
            # Room for spaces and "+86" as people type them; clean_<name> normalises.
            model_field = Case._meta.get_field(name)
            self.fields[name] = forms.CharField(
                label=capfirst(model_field.verbose_name), help_text=model_field.help_text,
                required=False, max_length=40,
            )
        self.fields["contact_id_number"].widget.attrs["autocomplete"] = "off"
        self.fields["contact_phone"].widget.attrs.update(autocomplete="off", type="tel")
        for name, (_normalise, mask, remove_label) in self.PERSONAL.items():
            stored = getattr(self.instance, name)
            if not stored:
                continue
            self.initial[name] = ""
            self.fields[name].help_text = _(
                "Now %(masked)s. Leave empty to keep it, or enter a new one."
            ) % {"masked": mask(stored)}
            self.fields[f"remove_{name}"] = forms.BooleanField(label=remove_label, required=False)

    def _clean_personal(self, name):
        value = (self.cleaned_data.get(name) or "").strip()
        normalise, _mask, _label = self.PERSONAL[name]
        if value:
            return normalise(value)  # a ValidationError names what is wrong
        if self.data.get(self.add_prefix(f"remove_{name}")):
            return ""
        return getattr(self.instance, name) if self.instance.pk else ""

    def clean_contact_id_number(self):
        return self._clean_personal("contact_id_number")

    def clean_contact_phone(self):
        return self._clean_personal("contact_phone")

    def clean(self):
        data = super().clean()
        for name in ("people_affected", "people_helped", "amount_involved", "amount_recovered"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
                setattr(self.instance, name, 0)
        return data

    def chosen_kind(self):
        category = self.cleaned_data.get("category") if hasattr(self, "cleaned_data") else None
        if category is not None:
            return category.kind
        return self.instance.category.kind if self.instance.category_id else None


class RealEstateDetailsForm(forms.ModelForm):
    kind = CategoryKind.REAL_ESTATE

    class Meta:
        model = RealEstateDetails
        fields = [
            "project_name", "developer", "households_affected", "households_delivered",
            "stalled_since", "stage",
        ]
        widgets = {"stalled_since": DateInput()}


class WageArrearsDetailsForm(forms.ModelForm):
    kind = CategoryKind.WAGE_ARREARS

    class Meta:
        model = WageArrearsDetails
        fields = ["employer", "project", "petition_number"]


class MassVictimDetailsForm(forms.ModelForm):
    kind = CategoryKind.MASS_VICTIM

    class Meta:
        model = MassVictimDetails
        fields = ["scheme_type", "police_case_number", "judicial_stage"]


DETAILS_FORMS = {
    CategoryKind.REAL_ESTATE: (RealEstateDetailsForm, "real_estate", "re"),
    CategoryKind.WAGE_ARREARS: (WageArrearsDetailsForm, "wage_arrears", "wa"),
    CategoryKind.MASS_VICTIM: (MassVictimDetailsForm, "mass_victim", "mv"),
}


def details_forms(case, data=None, *, kind=None):
    """One details form per kind, on the case's existing details where it has them.

    Only the form of ``kind`` (the chosen category's) is bound to the posted data: the
    others are neither validated nor saved.
    """
    forms_by_kind = {}
    for form_kind, (form_class, related_name, prefix) in DETAILS_FORMS.items():
        instance = getattr(case, related_name, None) if case.pk else None
        bound = data if form_kind == kind else None
        forms_by_kind[form_kind] = form_class(data=bound, instance=instance, prefix=prefix)
    return forms_by_kind


class FollowUpForm(forms.ModelForm):
    files = MultipleFileField(
        label=_("Attachments"), required=False,
        help_text=_("PDF, Word, Excel, JPG or PNG; several files at once are fine."),
    )

    class Meta:
        model = FollowUp
        fields = [
            "date", "method", "summary", "people_helped_added", "amount_recovered_added",
            "households_delivered_added",
        ]
        widgets = {"date": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("date") is None:
            # The view passes an unsaved FollowUp, whose empty date would win over a
            # field initial: today is what people log most.
            self.initial["date"] = timezone.localdate()
        labels = case.figure_labels()
        self.fields["people_helped_added"].label = _("More: %(figure)s") % {
            "figure": labels["people_helped"]
        }
        self.fields["amount_recovered_added"].label = _("More: %(figure)s") % {
            "figure": with_unit("amount_recovered", labels["amount_recovered"])
        }
        for name in ("people_helped_added", "amount_recovered_added",
                     "households_delivered_added"):
            self.fields[name].required = False
            self.fields[name].widget.attrs["min"] = 0
        # Said next to the field, not as the database's constraint (the counts' model
        # fields carry this validator already).
        self.fields["amount_recovered_added"].validators.append(MinValueValidator(0))
        if case.category.kind != CategoryKind.REAL_ESTATE:
            del self.fields["households_delivered_added"]

    def clean(self):
        data = super().clean()
        for name in ("people_helped_added", "amount_recovered_added",
                     "households_delivered_added"):
            if name in self.fields and data.get(name) is None and name not in self.errors:
                data[name] = 0
                setattr(self.instance, name, 0)
        return data


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
        help_text=_("Say what was checked or done; it stays in the case history."),
    )


class AttachmentForm(forms.Form):
    files = MultipleFileField(label=_("Files"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Investigation list"),
        help_text=_("A .csv or .xlsx file with the columns of the template."),
    )
    # Offered (as a list of the workbook's sheets) only when several sheets could be meant.
    sheet = forms.CharField(label=_("Sheet to import"), required=False, max_length=31,
                            widget=forms.HiddenInput)

    update = forms.BooleanField(
        label=_("Update the existing cases"), required=False,
        help_text=_("Rows of cases that exist already (an export's, found by the case's "
                    "reference, or a source reference known in the district) change those "
                    "cases, each change recorded in the history. Otherwise they are "
                    "skipped."),
    )

    def offer_sheets(self, sheets):
        self.fields["sheet"].widget = forms.Select(choices=[(name, name) for name in sheets])


# ---------------------------------------------------------------- supervision orders
class IssueOrderForm(forms.Form):
    """Issue a supervision order. Both levels validate; the action refuses a city-level
    order from a district supervisor with a clear message, and the page offers only the
    levels this user may issue."""

    level = forms.ChoiceField(label=_("Level"), choices=SupervisionLevel.choices)
    instructions = forms.CharField(
        label=_("Instructions"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
        help_text=_("What the district must do, and what the answer must show."),
    )
    due_date = forms.DateField(label=_("Answer due by"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        levels = order_levels(user)
        self.fields["level"].widget.choices = [
            (value, label) for value, label in SupervisionLevel.choices if value in levels
        ]
        if levels:
            self.initial.setdefault("level", levels[-1])


class AcknowledgeOrderForm(forms.Form):
    """No fields: acknowledging is one button (the form carries refusals)."""


class AnswerOrderForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000,
        help_text=_("What was done, and what came of it."),
    )
    files = MultipleFileField(
        label=_("Attachments"), required=False,
        help_text=_("PDF, Word, Excel, JPG or PNG; several files at once are fine."),
    )


class CloseOrderForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000,
        required=False,
    )


class ReturnOrderForm(forms.Form):
    note = forms.CharField(
        label=_("What is missing"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
        help_text=_("The district sees this and must acknowledge and answer again."),
    )


class ExtensionRequestForm(forms.Form):
    requested_due_date = forms.DateField(label=_("New due date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class ExtensionDecisionForm(forms.Form):
    """Two buttons, ``decision=grant`` and ``decision=refuse``, share the note."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("grant", _("Grant")), ("refuse", _("Refuse"))],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000,
        required=False,
    )


ORDER_STEP_FORMS = {
    "acknowledge": AcknowledgeOrderForm,
    "answer": AnswerOrderForm,
    "extension": ExtensionRequestForm,
    "close": CloseOrderForm,
    "return": ReturnOrderForm,
    "decide": ExtensionDecisionForm,
}


def order_step_form(step, order, data=None, files=None):
    """The form of one step on one order; ids carry the order's number, so several
    orders' forms live on the case page without clashing."""
    return ORDER_STEP_FORMS[step](
        data, files, prefix=step, auto_id=f"id_order{order.pk}_%s"
    )


class LinkForm(forms.Form):
    """Link a case to another, named by its reference."""

    other = forms.CharField(label=_("Other case's reference"), max_length=20,
                            help_text=_("For example RC-2024-00012."))
    kind = forms.ChoiceField(label=_("Link"), choices=LinkKind.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    """Merge this case (the duplicate) into another (the survivor)."""

    other = forms.CharField(label=_("Survivor's reference"), max_length=20,
                            help_text=_("The case that stays open and keeps the figures."))
    note = forms.CharField(label=_("Note"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, candidates=(), **kwargs):
        """``candidates``: open linked cases the user may see, offered as the survivor
        (any other reference may still be typed)."""
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        if self.candidates:
            self.fields["other"].widget.attrs["list"] = "merge-candidates"


class BulkForm(forms.Form):
    """A bulk action on the case list (cases.actions.bulk): the action, one note for all,
    the action's values, and the selection: ``cases`` (``id:version``, one per checked
    row), ``page`` (the page's ``id:version`` list, "select all on this page") or ``all``
    with the list's ``query``, its ``count`` and the moment ``shown_at``."""

    action = forms.ChoiceField(
        label=_("Action"), choices=[("", "---------"), *BulkAction.choices],
        error_messages={"invalid_choice": _("Unknown bulk action: nothing was changed."),
                        "required": _("Choose an action.")})
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
        help_text=_("Recorded on each case, in its history."),
        error_messages={"required": _("Write a note: it is recorded on each case.")})
    owner = UserChoiceField(label=_("New owner"), queryset=None, required=False)
    risk_level = forms.ChoiceField(label=_("New risk level"), required=False,
                                   choices=[("", "---------"), *RiskLevel.choices])
    target_date = forms.DateField(label=_("New target date"), required=False,
                                  widget=DateInput())
    level = forms.ChoiceField(label=_("Level of supervision"), required=False,
                              choices=SupervisionLevel.choices)
    instructions = forms.CharField(
        label=_("Instructions"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
        required=False, help_text=_("The same for every order."))
    due_date = forms.DateField(label=_("Answer due by"), required=False, widget=DateInput())
    all = forms.BooleanField(required=False)
    query = forms.CharField(required=False, max_length=8000, strip=False)
    count = forms.IntegerField(required=False, min_value=0)
    shown_at = forms.IntegerField(required=False, min_value=0)

    # Which values each action needs, and the message when one is missing.
    NEEDS = {
        BulkAction.REASSIGN: {"owner": _("Choose the new owner.")},
        BulkAction.RISK_LEVEL: {"risk_level": _("Choose the new risk level.")},
        BulkAction.TARGET_DATE: {"target_date": _("Set the new target date.")},
        BulkAction.ISSUE_ORDER: {"instructions": _("Say what the district must do."),
                                 "due_date": _("Set the date the answer is due.")},
    }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["owner"].queryset = owners_in_scope(user)
        levels = order_levels(user)
        self.fields["level"].choices = [
            (value, label) for value, label in SupervisionLevel.choices if value in levels
        ] or SupervisionLevel.choices
        if levels:
            self.initial.setdefault("level", levels[-1])
        scope = scope_of(user)
        offered = {BulkAction.VERIFY, *self.NEEDS} if scope.is_staff else set(BulkAction)
        self.fields["action"].widget.choices = [
            (value, label) for value, label in self.fields["action"].choices
            if not value or value in offered
        ]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        for name, message in self.NEEDS.get(action, {}).items():
            if not data.get(name):
                self.add_error(name, message)
        levels = order_levels(self.user)
        if action == BulkAction.ISSUE_ORDER and levels and data.get("level") not in levels:
            self.add_error("level", _("Only a city-wide supervisor can issue a city-level order."))
        if (action == BulkAction.ISSUE_ORDER and data.get("due_date")
                and data["due_date"] < timezone.localdate()):
            self.add_error("due_date", _("The due date cannot be in the past."))
        data["selection"] = self._selection(data)
        return data

    def _selection(self, data):
        if data.get("all"):
            if data.get("query") is None or data.get("count") is None or not data.get("shown_at"):
                raise forms.ValidationError(_("The selection was not understood: nothing was "
                                              "changed."))
            return Selection(query=data["query"], count=data["count"],
                             shown_at=data["shown_at"])
        versions = {}
        tokens = self.data.getlist("cases") + [
            token for value in self.data.getlist("page") for token in value.split(",")]
        for token in tokens:
            pk, _sep, version = token.partition(":")
            if not (pk.isdigit() and version.isdigit()):
                raise forms.ValidationError(_("The selection was not understood: nothing "
                                              "was changed."))
            versions[int(pk)] = int(version)
        if not versions:
            raise forms.ValidationError(_("Select at least one case, or all the cases "
                                          "matching the filter."))
        return Selection(versions=versions)

    def bulk(self) -> Bulk:
        data = self.cleaned_data
        names = {"reassign": ["owner"], "risk_level": ["risk_level"],
                 "target_date": ["target_date"],
                 "issue_order": ["level", "instructions", "due_date"]}
        return Bulk(action=data["action"], note=data["note"],
                    values={name: data[name] for name in names.get(data["action"], [])})
