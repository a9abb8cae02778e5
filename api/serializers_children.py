"""What the API shows of a case's follow-ups and attachments, and what their writes and a
reveal send.

As for a case (``api.serializers``): state words come as the stored value and its label in
the language of ``Accept-Language``, money in yuan as a decimal string. The request bodies
describe the schema only: the input is checked by the page's form (``FollowUpForm``), the
upload checks (``riskdesk.files``) and ``cases.actions``.
"""

from django.urls import reverse
from rest_framework import serializers

from api.serializers import YUAN, money
from cases.choices import FollowUpMethod
from cases.models import Attachment, FollowUp
from cases.views.cases import PERSONAL_FIELDS
from riskdesk.choices import AttachmentKind


class FollowUpSerializer(serializers.ModelSerializer):
    method = serializers.ChoiceField(choices=FollowUpMethod.choices, read_only=True,
                                     help_text="How the case was followed up.")
    method_label = serializers.CharField(source="get_method_display", read_only=True,
                                         help_text="The method in the request's language.")
    date = serializers.DateField(read_only=True, help_text="The day the work was done.")
    summary = serializers.CharField(read_only=True, help_text="What was done.")
    people_helped_added = serializers.IntegerField(
        read_only=True, help_text="People helped by this follow-up, added to the case's "
                                  "people_helped.")
    amount_recovered_added = money("Recovered by this follow-up, added to the case's "
                                   "amount_recovered.")
    households_delivered_added = serializers.IntegerField(
        read_only=True, help_text="Households given their homes by this follow-up (real-"
                                  "estate cases; else 0).")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                              help_text="The user name of who logged it.")
    created_at = serializers.DateTimeField(read_only=True, help_text="When it was logged.")
    attachments = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True,
        help_text="The ids of the files sent with it (GET .../attachments/).")

    class Meta:
        model = FollowUp
        fields = ["id", "date", "method", "method_label", "summary", "people_helped_added",
                  "amount_recovered_added", "households_delivered_added", "created_by",
                  "created_at", "attachments"]
        read_only_fields = fields


class FollowUpInputSerializer(serializers.Serializer):
    """The follow-up page's fields (``cases.forms.FollowUpForm``)."""

    date = serializers.DateField(help_text="The day the work was done: today or earlier.")
    method = serializers.ChoiceField(choices=FollowUpMethod.choices,
                                     help_text="How the case was followed up.")
    summary = serializers.CharField(help_text="What was done.")
    people_helped_added = serializers.IntegerField(
        required=False, min_value=0,
        help_text="More people helped (default 0); the case's total may not pass the "
                  "people affected.")
    amount_recovered_added = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, min_value=0,
        help_text=f"More amount recovered (default 0); the case's total may not pass the "
                  f"amount involved. {YUAN}")
    households_delivered_added = serializers.IntegerField(
        required=False, min_value=0,
        help_text="More households delivered (default 0): real-estate cases only.")


class FollowUpUploadSerializer(FollowUpInputSerializer):
    """The same, as multipart/form-data, with files."""

    files = serializers.ListField(
        child=serializers.FileField(), required=False,
        help_text="Files sent with it: PDF, Word (.docx), "
                  "Excel (.xlsx), JPG or PNG, each within the upload limit.")


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True,
                                 help_text="The file's name as it was uploaded.")
    size = serializers.IntegerField(read_only=True, help_text="In bytes.")
    content_type = serializers.CharField(read_only=True,
                                         help_text="Its media type, checked against its "
                                                   "content on upload.")
    kind = serializers.ChoiceField(choices=AttachmentKind.choices, read_only=True,
                                   help_text="A document or a photo.")
    sha256 = serializers.CharField(read_only=True, help_text="The SHA-256 of its bytes, in "
                                                             "hex.")
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                               help_text="The user name of who uploaded it.")
    uploaded_at = serializers.DateTimeField(read_only=True, help_text="When it was uploaded.")
    follow_up = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True,
        help_text="The follow-up it was sent with; null when none.")
    download_url = serializers.SerializerMethodField(
        help_text="Where to GET its bytes (with your token); each download is audited.")

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "kind", "sha256", "uploaded_by",
                  "uploaded_at", "follow_up", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str:
        url = reverse("api:case-attachment-download",
                      args=[attachment.case.reference, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="One file (multipart/form-data): PDF, Word (.docx), Excel (.xlsx), JPG or "
                  "PNG, checked by name and content, within the upload limit (20 MB unless "
                  "the server says otherwise).")


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=PERSONAL_FIELDS,
                                    help_text="Which personal number to show whole.")


class RevealedSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=PERSONAL_FIELDS, read_only=True,
                                    help_text="The personal number asked for.")
    value = serializers.CharField(read_only=True,
                                  help_text="The number, whole; empty when the case has none.")
