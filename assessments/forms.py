from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from assessments.choices import (
    AgencyStep,
    AssessorKind,
    DecisionLevel,
    DecisionType,
    Grade,
    Recommendation,
)
from assessments.creditcode import validate_credit_code
from assessments.models import (
    Agency,
    Decision,
    Department,
    ExpertReview,
    PublicNotice,
    RedLine,
    RiskItem,
    Survey,
    Training,
)
from riskdesk.access import scope_of
from riskdesk.choices import Role
from riskdesk.forms import DateInput, MultipleFileField
from riskdesk.models import District

NOTE = {"widget": forms.Textarea(attrs={"rows": 3}), "max_length": 4000}


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["title", "description", "department", "level", "district", "decision_type",
                  "planned_date", "key_sensitive"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "planned_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["district"].queryset = District.objects.for_user(user).active()
        if not scope.everything:
            self.fields["level"].choices = [(DecisionLevel.DISTRICT, DecisionLevel.DISTRICT.label)]

    def clean(self):
        data = super().clean()
        if data.get("level") == DecisionLevel.DISTRICT and not data.get("district"):
            self.add_error("district", _("A district decision needs its district."))
        return data


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.credit_code})"


class StartAssessmentForm(forms.Form):
    assessor_kind = forms.ChoiceField(label=_("Assessed by"), choices=AssessorKind.choices)
    agency = AgencyChoiceField(label=_("Agency"), queryset=Agency.objects.none(), required=False,
                               help_text=_("Approved agencies only; the rules are checked "
                                           "when you save."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.approved()


class AssignForm(forms.Form):
    agency = AgencyChoiceField(label=_("Agency"), queryset=Agency.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.approved()


class NoticeForm(forms.ModelForm):
    class Meta:
        model = PublicNotice
        fields = ["channel", "starts_on", "ends_on", "comments_received", "summary"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(),
                   "summary": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The notice ends after it starts."))
        return data


class RiskForm(forms.ModelForm):
    likelihood = forms.TypedChoiceField(label=_("Likelihood (1-5)"), coerce=int,
                                        choices=[(i, i) for i in range(1, 6)])
    impact = forms.TypedChoiceField(label=_("Impact (1-5)"), coerce=int,
                                    choices=[(i, i) for i in range(1, 6)])

    class Meta:
        model = RiskItem
        fields = ["description", "likelihood", "impact", "mitigation"]
        widgets = {"mitigation": forms.Textarea(attrs={"rows": 2})}


class ExpertReviewForm(forms.ModelForm):
    class Meta:
        model = ExpertReview
        fields = ["experts", "held_on", "opinion"]
        widgets = {"held_on": DateInput(), "experts": forms.Textarea(attrs={"rows": 3}),
                   "opinion": forms.Textarea(attrs={"rows": 3})}


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["method", "respondents", "support_percent", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2})}


class ReportForm(forms.Form):
    report = forms.FileField(label=_("Report file"))


class ConclusionForm(forms.Form):
    grade = forms.ChoiceField(label=_("Risk grade"), choices=Grade.choices)
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices)
    mitigation = forms.CharField(label=_("Mitigation measures"), required=False, **NOTE)
    report = forms.FileField(label=_("Report file"), required=False)


class ScoreForm(forms.Form):
    quality_score = forms.TypedChoiceField(label=_("Quality score"), coerce=int,
                                           choices=[(i, i) for i in range(1, 6)])
    comment = forms.CharField(label=_("Comment"), required=False, **NOTE)


class DecidedForm(forms.Form):
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, **NOTE)


class OutcomeForm(forms.Form):
    implemented = forms.TypedChoiceField(
        label=_("Implemented"), coerce=lambda v: v == "yes",
        choices=[("yes", _("Implemented")), ("no", _("Not implemented"))])
    note = forms.CharField(label=_("Note"), required=False, **NOTE)


class LinkCaseForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=20,
                                help_text=_("e.g. RC-2026-00042"))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), **NOTE)


# ---------------------------------------------------------------- the registry
class ApplicationForm(forms.ModelForm):
    """The public application form."""

    scope = forms.MultipleChoiceField(
        label=_("Declared scope"), choices=DecisionType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The types of decision your agency assesses."))
    departments = forms.ModelMultipleChoiceField(
        label=_("Declared relationships"), queryset=Department.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Departments your agency has a business, ownership or personal "
                    "relationship with."))
    experts = forms.CharField(
        label=_("Experts"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
        help_text=_("One per line: name, field, title."))
    documents = MultipleFileField(
        label=_("Documents"), required=False,
        help_text=_("Business licence, qualifications: PDF, DOCX, XLSX, JPG or PNG."))

    class Meta:
        model = Agency
        fields = ["name", "credit_code", "legal_representative", "contact_name", "contact_phone",
                  "contact_email", "address", "qualifications"]
        widgets = {"qualifications": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(is_active=True)

    def validate_unique(self):
        """Uniqueness of the code is the action's rule, with its own message."""

    def clean_credit_code(self):
        return validate_credit_code(self.cleaned_data["credit_code"])

    def clean_experts(self):
        experts = []
        for line in self.cleaned_data["experts"].splitlines():
            parts = [p.strip() for p in line.replace("\uff0c", ",").split(",")]
            if not parts[0]:
                continue
            if len(parts) < 2 or not parts[1]:
                raise forms.ValidationError(
                    _("Give at least the name and the field of each expert: %(line)s")
                    % {"line": line.strip()})
            experts.append((parts[0], parts[1], ", ".join(parts[2:])))
        if not experts:
            raise forms.ValidationError(_("List at least one expert."))
        return experts


class AgencyStepForm(forms.Form):
    """One registry step: a note, and the date that step sets (each step its own form, with
    the step as prefix, so the page's forms never share an id)."""

    note = forms.CharField(label=_("Note"), **NOTE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput())
    suspended_until = forms.DateField(
        label=_("Suspended until"), required=False, widget=DateInput(),
        help_text=_("Leave empty to suspend until the agency is reinstated."))

    # The dates each step sets: approving and renewing need the end of the registration,
    # reinstating takes a new one only if the old one has passed; a suspension may end.
    DATES = {
        AgencyStep.APPROVE: ("valid_until",), AgencyStep.RENEW: ("valid_until",),
        AgencyStep.REINSTATE: ("valid_until",), AgencyStep.SUSPEND: ("suspended_until",),
    }

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, prefix=step, **kwargs)
        kept = {"note", *self.DATES.get(step, ())}
        for name in [name for name in self.fields if name not in kept]:
            del self.fields[name]
        if step == AgencyStep.REINSTATE:
            self.fields["valid_until"].required = False
            self.fields["valid_until"].help_text = _(
                "Only if the registration has run out meanwhile.")


class ViolationForm(forms.Form):
    red_line = forms.ModelChoiceField(label=_("Red line"), queryset=RedLine.objects.none())
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    description = forms.CharField(label=_("What happened"), **NOTE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["red_line"].queryset = RedLine.objects.filter(is_active=True)
        self.fields["red_line"].label_from_instance = lambda line: "%s (%s%s)" % (
            line.name, line.get_consequence_display(),
            f", {line.suspension_months}" if line.suspension_months else "")


class AccountsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class TrainingForm(forms.ModelForm):
    attendees = forms.CharField(
        label=_("Attendees"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_("People without a user account, one per line: name, then a district "
                    "code (e.g. kundulun) or an agency's credit code."))
    accounts = AccountsField(
        label=_("Attendees with a user account"), required=False,
        queryset=get_user_model().objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Training
        fields = ["date", "topic", "trainer", "location"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Everyone who may attend: active district staff, supervisors and assessors.
        self.fields["accounts"].queryset = get_user_model().objects.filter(
            is_active=True,
            membership__role__in=(Role.STAFF, Role.SUPERVISOR, Role.ASSESSOR),
        ).order_by("first_name", "username")

    def clean_attendees(self):
        rows = []
        for line in self.cleaned_data["attendees"].splitlines():
            parts = [p.strip() for p in line.replace("\uff0c", ",").split(",")]
            if not parts[0]:
                continue
            if len(parts) != 2 or not parts[1]:
                raise forms.ValidationError(
                    _("Write the name and the code separated by a comma: %(line)s")
                    % {"line": line.strip()})
            rows.append((parts[0], parts[1]))
        return rows
