from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from riskdesk.access import scope_of
from riskdesk.models import District
from webhooks import transport
from webhooks.choices import SUBSCRIBABLE
from webhooks.models import Subscription


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https", help_text=_(
        "<code>http://</code> or <code>https://</code>; only hosts the administrators "
        "allowed."))
    kinds = forms.MultipleChoiceField(label=_("Events"), choices=SUBSCRIBABLE,
                                      widget=forms.CheckboxSelectMultiple)
    new_secret = forms.CharField(
        label=_("Secret"), required=False, max_length=200, min_length=16,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Shared with the receiver, which checks the signature with it. Leave "
                    "empty to keep the current one (or, for a new webhook, to have one "
                    "made and shown once)."))

    class Meta:
        model = Subscription
        fields = ["name", "url", "format", "kinds", "districts"]
        widgets = {"districts": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        districts = District.objects.filter(is_active=True)
        if not scope.everything:
            districts = districts.filter(pk__in=scope.district_ids)
        self.fields["districts"].queryset = districts

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            transport.check_url(url)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return url
