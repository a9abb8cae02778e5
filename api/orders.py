"""The API's supervision orders (督办单) and the user's notifications.

Orders: the list and one order from ``SupervisionOrder.objects.for_user(user)`` (out of
scope: 404), issuing one on a case and the steps on it, each through the page's form
(``cases.forms``) and its action (``cases.actions``), which check the role and the state,
write the case's history and notify, as the pages (``cases.views.orders``) do. A refusal
is a 400 with the action's message.

Notifications: the user's own inbox (``riskdesk.views``); another user's notice is a 404.
"""

from datetime import date

import django_filters as filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api import idempotency
from api.filtersets import ScopedFilterBackend
from api.serializers_orders import (
    AnswerSerializer,
    CloseSerializer,
    ExtensionDecisionSerializer,
    ExtensionRequestSerializer,
    IssueOrderSerializer,
    NotificationSerializer,
    OrderDetailSerializer,
    OrderSerializer,
    ReadAllSerializer,
    ReturnSerializer,
)
from api.views import ERRORS, NOT_FOUND, POST, ApiView
from api.writes import _messages as form_messages
from cases import actions
from cases.choices import ExtensionState
from cases.filtersets import SupervisionOrderFilterSet
from cases.forms import IssueOrderForm, order_step_form
from cases.models import Case, CaseEvent, ExtensionRequest, SupervisionOrder
from cases.views.order_panels import ORDER_PEOPLE, with_order_details
from riskdesk import notify
from riskdesk.models import Notification

STEP = {"responses": {200: OrderDetailSerializer, **ERRORS, **NOT_FOUND,
                      **idempotency.RESPONSES}}
REFUSALS = ("Refused with the action's message (400) when your role or the order's state "
            "does not allow it, as on the order's page; written to the case's history.")


class ApiOrderFilterSet(SupervisionOrderFilterSet):
    """The supervision list's own filters (``/supervision/``): search, state, level,
    overdue, more time requested, district. The order is the cursor's (issued_at, id), so
    the list's sort parameter ``o`` is not offered."""

    o = None


def form_data(values: dict) -> dict:
    """A checked body as a page's form data (dates as ISO text)."""
    return {name: value.isoformat() if isinstance(value, date) else value
            for name, value in values.items()}


def checked(form):
    """The page's form, valid; else a field-keyed 400."""
    if not form.is_valid():
        raise exceptions.ValidationError(form_messages(form))
    return form.cleaned_data


def body(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return form_data(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(
        summary="Supervision orders in your scope",
        description="The filters of the /supervision/ page. An order keeps no time of its "
                    "last change, so there is no updated_after: the list is in the order of "
                    "(issued_at, id), page after page through the next link; a poller reads "
                    "it again (filtered by state, say) to see orders move.",
        responses={200: OrderSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One supervision order",
        description="With who took each step, the answer, the requests for more time, its "
                    "own history and the steps open to you now.",
        responses={200: OrderDetailSerializer, **ERRORS, **NOT_FOUND},
    ),
    acknowledge=extend_schema(
        summary="Acknowledge an order",
        description="Staff of the case's district (or its owner) confirm they received an "
                    "order just issued or sent back. " + REFUSALS,
        request=None, **STEP, **POST),
    answer=extend_schema(
        summary="Answer an order",
        description="Staff of the district say what was done, once they acknowledged it; "
                    "the supervisor who issued it is notified. Files are sent on the "
                    "order's page. " + REFUSALS,
        request=AnswerSerializer, **STEP, **POST),
    close=extend_schema(
        summary="Close an answered order",
        description="A supervisor of the district (of a city-level order: a city-wide one) "
                    "accepts the answer; the case's owner is notified. " + REFUSALS,
        request=CloseSerializer, **STEP, **POST),
    send_back=extend_schema(
        summary="Send an answered order back",
        description="A supervisor says what is missing: the district acknowledges and "
                    "answers again; the case's owner is notified. " + REFUSALS,
        request=ReturnSerializer, **STEP, **POST),
    extension=extend_schema(
        summary="Ask for more time on an order",
        description="Staff of the district ask for a later due date while the order waits "
                    "for its answer; one request waits for a decision at a time. " + REFUSALS,
        request=ExtensionRequestSerializer, **STEP, **POST),
    decide=extend_schema(
        summary="Grant or refuse a request for more time",
        description="A supervisor of the district decides the order's pending request: "
                    "granted, the due date moves (the original stays as issued). "
                    + REFUSALS,
        request=ExtensionDecisionSerializer, **STEP,
        parameters=[OpenApiParameter("ext_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                     description="The request's id (the order's "
                                                 "extensions)."),
                    idempotency.PARAMETER]),
)
class OrderViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    reads_only = True
    serializer_class = OrderSerializer
    filter_backends = [ScopedFilterBackend]
    filterset_class = ApiOrderFilterSet
    cursor_ordering = ("issued_at", "id")

    def get_queryset(self):
        pending = ExtensionRequest.objects.filter(order=OuterRef("pk"),
                                                  state=ExtensionState.PENDING)
        orders = SupervisionOrder.objects.for_user(self.request.user).annotate(
            has_pending_extension=Exists(pending))
        if self.action == "list":
            return orders.select_related("case", "case__district", "issued_by")
        return with_order_details(orders.select_related(
            "case", "case__district", "case__owner", *ORDER_PEOPLE))

    def get_serializer_class(self):
        return OrderSerializer if self.action == "list" else OrderDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def shown(self, order, status_code=status.HTTP_200_OK):
        """The order as a GET shows it, read again after a step."""
        return self.present(get_object_or_404(self.get_queryset(), pk=order.pk), status_code)

    def present(self, order, status_code=status.HTTP_200_OK):
        """The order with its own history."""
        history = (CaseEvent.objects.filter(case_id=order.case_id, data__order=order.pk)
                   .select_related("user").order_by("-at", "-id"))
        serializer = self.get_serializer(order, context={
            **self.get_serializer_context(), "history": history})
        return Response(serializer.data, status=status_code)

    def retrieve(self, request, pk):
        return self.present(self.get_object())

    @extend_schema(
        summary="Issue a supervision order on a case",
        description="A supervisor of the case's district orders it to act by a date, as "
                    "from the case's page: city-level orders only by a city-wide "
                    "supervisor, not on a closed case, the due date not in the past. The "
                    "district's staff and the case's owner are notified. " + REFUSALS,
        parameters=[OpenApiParameter("reference", OpenApiTypes.STR, OpenApiParameter.PATH,
                                     description="The case's reference (RC-2026-00042)."),
                    idempotency.PARAMETER],
        request=IssueOrderSerializer,
        responses={201: OrderDetailSerializer, **ERRORS, **NOT_FOUND, **idempotency.RESPONSES},
    )
    def issue(self, request, reference):
        case = get_object_or_404(Case.objects.for_user(request.user), reference=reference)
        refusal = actions.issue_order_refusal(request.user, case)
        if refusal:  # as the page: said before the form is looked at
            raise exceptions.ValidationError({"detail": [refusal]})
        values = checked(IssueOrderForm(body(IssueOrderSerializer, request.data),
                                        user=request.user))
        order = actions.issue_order(user=request.user, case=case, **values)
        return self.shown(order, status.HTTP_201_CREATED)

    def step(self, step, body_class=None, *, order=None, **extra):
        """The order in scope (else 404, before the body is read), and the step's body
        checked by its serializer, then by its page's form (under the form's prefix)."""
        order = order or self.get_object()
        data = {**(body(body_class, self.request.data) if body_class else {}), **extra}
        data = {f"{step}-{name}": value for name, value in data.items()}
        return order, checked(order_step_form(step, order, data))

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk):
        order, _values = self.step("acknowledge")
        actions.acknowledge_order(user=request.user, order=order)
        return self.shown(order)

    @action(detail=True, methods=["post"])
    def answer(self, request, pk):
        order, values = self.step("answer", AnswerSerializer)
        actions.answer_order(user=request.user, order=order, answer=values["answer"])
        return self.shown(order)

    @action(detail=True, methods=["post"])
    def close(self, request, pk):
        order, values = self.step("close", CloseSerializer)
        actions.close_order(user=request.user, order=order, note=values["note"])
        return self.shown(order)

    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk):
        order, values = self.step("return", ReturnSerializer)
        actions.return_order(user=request.user, order=order, note=values["note"])
        return self.shown(order)

    @action(detail=True, methods=["post"])
    def extension(self, request, pk):
        order, values = self.step("extension", ExtensionRequestSerializer)
        actions.request_extension(user=request.user, order=order, reason=values["reason"],
                                  requested_due_date=values["requested_due_date"])
        return self.shown(order)

    @action(detail=True, methods=["post"])
    def decide(self, request, pk, ext_id):
        order = self.get_object()
        # the request must be this order's, and the order in scope: else 404
        extension = get_object_or_404(ExtensionRequest.objects.filter(order=order), pk=ext_id)
        grant = body(ExtensionDecisionSerializer, request.data)
        _order, values = self.step("decide", order=order, note=grant["note"],
                                   decision="grant" if grant["grant"] else "refuse")
        actions.decide_extension(user=request.user, request=extension,
                                 grant=values["decision"] == "grant", note=values["note"])
        return self.shown(order)


# ---------------------------------------------------------------- notifications
class NotificationFilterSet(filters.FilterSet):
    unread = filters.BooleanFilter(
        label=_("Unread"), field_name="read_at", lookup_expr="isnull",
        help_text=_("true: only the notices not read yet; false: only those read."))

    class Meta:
        model = Notification
        fields = []


@extend_schema_view(
    list=extend_schema(
        summary="Your notifications",
        description="Your own notices only, each with its sentence in the language of "
                    "Accept-Language as the inbox writes it; oldest first, in the order of "
                    "(created_at, id), page after page through the next link.",
        responses={200: NotificationSerializer(many=True), **ERRORS},
    ),
    read=extend_schema(
        summary="Mark one notification read",
        description="One of your own notices; another user's is a 404. Reading it again "
                    "changes nothing.",
        request=None, **POST,
        responses={200: NotificationSerializer, **ERRORS, **NOT_FOUND,
                   **idempotency.RESPONSES},
    ),
    read_all=extend_schema(
        summary="Mark all your notifications read",
        request=None, **POST,
        responses={200: ReadAllSerializer, **ERRORS, **idempotency.RESPONSES},
    ),
)
class NotificationViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet):
    reads_only = True
    serializer_class = NotificationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = NotificationFilterSet
    cursor_ordering = ("created_at", "id")

    queryset = Notification.objects.none()  # for the schema: the model

    def get_queryset(self):
        return Notification.objects.filter(user=self.request.user)

    @action(detail=True, methods=["post"])
    def read(self, request, pk):
        notice = self.get_object()
        notify.mark_read(notice)
        return Response(self.get_serializer(notice).data)

    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response(ReadAllSerializer({"count": notify.mark_all_read(request.user)}).data)
