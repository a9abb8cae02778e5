from django import forms
from django.utils.translation import gettext_lazy as _

from api.choices import TokenScope

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
