"""What the API shows of supervision orders (督办单), their extension requests and steps,
and of the user's notifications; and the bodies the order steps take.

People are named by user name; state words come as the stored value and its label in
the language of ``Accept-Language``; a notice's sentence is written in that language too,
as the inbox writes it (``riskdesk.notify.render``).
"""

from datetime import date

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import actions
from cases.choices import EventKind, ExtensionState, OrderState, SupervisionLevel
from cases.forms import (
    AnswerOrderForm,
    CloseOrderForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    IssueOrderForm,
    ReturnOrderForm,
)
from cases.models import Attachment, CaseEvent, ExtensionRequest, SupervisionOrder
from riskdesk import notify
from riskdesk.choices import NoticeKind
from riskdesk.models import Notification


def person(help_text, **kwargs):
    return serializers.SlugRelatedField(slug_field="username", read_only=True,
                                        allow_null=True, help_text=help_text, **kwargs)


class ExtensionSerializer(serializers.ModelSerializer):
    requested_by = person("The user name of the staff member who asked.")
    state = serializers.ChoiceField(choices=ExtensionState.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True,
                                        help_text="The state in the request's language.")
    decided_by = person("The user name of the supervisor who decided; null while pending.")

    class Meta:
        model = ExtensionRequest
        fields = ["id", "requested_by", "requested_at", "reason", "requested_due_date",
                  "state", "state_label", "decided_by", "decided_at", "decision_note"]
        read_only_fields = fields


class OrderAttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True,
                                 help_text="The file's name as it was uploaded.")

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size"]
        read_only_fields = fields


# The text a step carries, by the key its history entry keeps it under.
STEP_TEXT = ("note", "answer", "reason", "instructions")


class OrderStepSerializer(serializers.ModelSerializer):
    """One entry of the order's own history (the case's events about this order)."""

    kind = serializers.ChoiceField(choices=EventKind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True,
                                       help_text="The step in the request's language.")
    at = serializers.DateTimeField(read_only=True, help_text="When it happened.")
    by = person("The user name of whoever took the step; null for the system (an "
                "escalation).", source="user")
    text = serializers.SerializerMethodField(
        help_text="What the step says: the instructions, the answer, the note or the "
                  "reason; empty when it says nothing.")
    due_date = serializers.SerializerMethodField(
        help_text="The due date the step names (as issued, or before an extension); "
                  "null when it names none.")
    requested_due_date = serializers.SerializerMethodField(
        help_text="For an extension's request or decision: the date asked for; else null.")
    extension_state = serializers.SerializerMethodField(
        help_text="For an extension's decision: granted or refused; else empty.")

    class Meta:
        model = CaseEvent
        fields = ["kind", "kind_label", "at", "by", "text", "due_date", "requested_due_date",
                  "extension_state"]
        read_only_fields = fields

    def get_text(self, event) -> str:
        data = event.data or {}
        return next((data[key] for key in STEP_TEXT if isinstance(data.get(key), str)), "")

    def get_due_date(self, event) -> date | None:
        return (event.data or {}).get("due_date")

    def get_requested_due_date(self, event) -> date | None:
        return (event.data or {}).get("requested_due_date")

    def get_extension_state(self, event) -> str:
        return (event.data or {}).get("state", "") if event.kind == EventKind.EXTENSION_DECIDED \
            else ""


class OrderSerializer(serializers.ModelSerializer):
    """An order as the supervision list shows it."""

    case = serializers.SlugRelatedField(slug_field="reference", read_only=True,
                                        help_text="The case's reference (RC-2026-00042).")
    case_title = serializers.CharField(source="case.title", read_only=True,
                                       help_text="The case's title.")
    district = serializers.SlugRelatedField(source="case.district", slug_field="code",
                                            read_only=True, help_text="The district's code.")
    level = serializers.ChoiceField(choices=SupervisionLevel.choices, read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True,
                                        help_text="The level in the request's language.")
    state = serializers.ChoiceField(choices=OrderState.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True,
                                        help_text="The state in the request's language.")
    issued_by = person("The user name of the supervisor who issued it.")
    overdue = serializers.SerializerMethodField(
        help_text="Waiting for its answer past its due date (the city's today).")
    has_pending_extension = serializers.BooleanField(
        read_only=True, help_text="A request for more time waits for a decision.")

    class Meta:
        model = SupervisionOrder
        fields = ["id", "case", "case_title", "district", "level", "level_label", "state",
                  "state_label", "instructions", "due_date", "original_due_date", "overdue",
                  "has_pending_extension", "issued_by", "issued_at", "acknowledged_at",
                  "answered_at", "closed_at", "escalation_level"]
        read_only_fields = fields

    def get_overdue(self, order) -> bool:
        return order.is_overdue(self.context.get("today") or timezone.localdate())


class OrderDetailSerializer(OrderSerializer):
    """One order as its page shows it: who took each step, the answer, the extension
    requests, the answer's files, its own history and the steps open to you now."""

    acknowledged_by = person("The user name of who acknowledged it; null before.")
    answered_by = person("The user name of who answered it; null before.")
    closed_by = person("The user name of the supervisor who closed it; null before.")
    extensions = ExtensionSerializer(many=True, read_only=True,
                                     help_text="Requests for more time, newest first.")
    attachments = OrderAttachmentSerializer(
        many=True, read_only=True,
        help_text="The files sent with the answer (downloaded with the case's attachments).")
    history = serializers.SerializerMethodField(
        help_text="The order's own steps and escalations, newest first.")
    allowed_steps = serializers.SerializerMethodField(
        help_text="The steps you may take on the order now (POST /api/v1/orders/{id}/<step>/; "
                  "decide: on its pending extension).")

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "acknowledged_by", "answer", "answered_by",
                  "return_note", "closed_by", "extensions", "attachments", "history",
                  "allowed_steps"]
        read_only_fields = fields

    @extend_schema_field(OrderStepSerializer(many=True))
    def get_history(self, order):
        return OrderStepSerializer(self.context["history"], many=True).data

    def get_allowed_steps(self, order) -> list[str]:
        pending = next((e for e in order.extensions.all()
                        if e.state == ExtensionState.PENDING), None)
        return actions.allowed_order_steps(self.context["request"].user, order,
                                           pending=pending)


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=NoticeKind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True,
                                       help_text="The kind in the request's language.")
    text = serializers.SerializerMethodField(
        help_text="The notice's sentence in the request's language, as the inbox shows it.")
    url = serializers.CharField(read_only=True,
                                help_text="The page it is about (a path on this site).")
    unread = serializers.SerializerMethodField(help_text="Not read yet.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "text", "url", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_text(self, notice) -> str:
        return notify.render(notice)

    def get_unread(self, notice) -> bool:
        return notice.read_at is None


class ReadAllSerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True,
                                     help_text="How many notices were unread and are now read.")


# ---------------------------------------------------------------- what a step sends
# These describe and type the request bodies; the input then goes through the page's
# form of the step (cases.forms) and its action (cases.actions), which check the rest.
def text(form_class, name, help_text):
    """A text field as the page's form has it (its length; optional if the form's is)."""
    field = form_class.base_fields[name]
    optional = {} if field.required else {"required": False, "allow_blank": True,
                                          "default": ""}
    return serializers.CharField(max_length=field.max_length, help_text=help_text, **optional)


class IssueOrderSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=SupervisionLevel.choices,
        help_text="district, or city (only a city-wide supervisor issues a city-level order).")
    instructions = text(IssueOrderForm, "instructions",
                        "What the district must do, and what the answer must show.")
    due_date = serializers.DateField(help_text="The day the answer is due (not in the past).")


class AnswerSerializer(serializers.Serializer):
    answer = text(AnswerOrderForm, "answer", "What was done, and what came of it.")


class CloseSerializer(serializers.Serializer):
    note = text(CloseOrderForm, "note", "A note on closing (optional).")


class ReturnSerializer(serializers.Serializer):
    note = text(ReturnOrderForm, "note", "What is missing from the answer: the district "
                                         "sees it and must acknowledge and answer again.")


class ExtensionRequestSerializer(serializers.Serializer):
    reason = text(ExtensionRequestForm, "reason", "Why more time is needed.")
    requested_due_date = serializers.DateField(
        help_text="The new due date asked for: after the current one.")


class ExtensionDecisionSerializer(serializers.Serializer):
    grant = serializers.BooleanField(help_text="true grants (the due date moves to the date "
                                               "asked for), false refuses.")
    note = text(ExtensionDecisionForm, "note", "A note on the decision (optional).")

