from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drills.models import Drill
from riskdesk.forms import DateInput, MultipleFileField
from riskdesk.models import District


class DrillForm(forms.ModelForm):
    """A drill's fields; the district is one of the user's."""

    files = MultipleFileField(
        label=_("Attachments"), required=False,
        help_text=_("PDF, Word, Excel, JPG or PNG; several files at once are fine."),
    )

    class Meta:
        model = Drill
        fields = ["district", "date", "kind", "participants", "scenario", "findings", "units"]
        widgets = {
            "date": DateInput(),
            "scenario": forms.Textarea(attrs={"rows": 4}),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "units": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        districts = District.objects.for_user(user).active()
        self.fields["district"].queryset = districts
        self.fields["participants"].widget.attrs["min"] = 1
        if not self.instance.pk:
            self.initial.setdefault("date", timezone.localdate())
            only = list(districts.values_list("pk", flat=True)[:2])
            if len(only) == 1:
                self.initial["district"] = only[0]
