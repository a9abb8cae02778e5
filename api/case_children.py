"""A case's children in the API: its follow-ups, its attachments and the reveal of its
personal numbers.

Each starts from the case in the user's scope (``Case.objects.for_user``; else 404) and
does what the case's pages do, through the same forms, checks and actions: a follow-up as
``cases.views.follow_ups.follow_up_create``, an upload as ``attachment_upload``, a
download as ``attachment_download`` (audited) and a reveal as
``cases.views.cases.reveal_contact`` (audited, to whom ``can_reveal_personal_data``
allows). Everything else shows the personal numbers masked.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from api import idempotency
from api.serializers_children import (
    AttachmentInputSerializer,
    AttachmentSerializer,
    FollowUpInputSerializer,
    FollowUpSerializer,
    FollowUpUploadSerializer,
    RevealedSerializer,
    RevealSerializer,
)
from api.views import ERRORS, NOT_FOUND, POST, ApiView
from cases import actions
from cases.forms import FollowUpForm
from cases.models import Attachment, Case, FollowUp
from cases.views.follow_ups import serve_attachment
from riskdesk import audit
from riskdesk.choices import AuditAction
from riskdesk.files import check_upload
from riskdesk.uploads import upload_limits

# A multipart body carries its file and a few hundred bytes of headers and boundaries.
MULTIPART_OVERHEAD = 64 * 1024
WRITTEN = {**ERRORS, **NOT_FOUND, **idempotency.RESPONSES}


class CaseChildView(ApiView, viewsets.GenericViewSet):
    """A resource under ``/cases/{reference}/``: the case first, in scope or 404."""

    reads_only = True
    lookup_field = "reference"
    _case = None

    def case(self) -> Case:
        if self._case is None:
            self._case = get_object_or_404(Case.objects.for_user(self.request.user),
                                           reference=self.kwargs["reference"])
        return self._case

    def may_work_on(self, message):
        """As the pages: the case's district staff and its supervisors add to it."""
        if not actions.can_work_on(self.request.user, self.case()):
            raise exceptions.PermissionDenied(message)


def form_input(request):
    """The form data and files of a JSON object or a multipart body."""
    if request.content_type.startswith("multipart/"):
        return request.POST, request.FILES
    data = request.data
    if not isinstance(data, dict):
        raise ValidationError({"detail": [_("Send a JSON object.")]})
    odd = [name for name, value in data.items() if isinstance(value, dict | list)]
    if odd:
        raise ValidationError({name: [_("Enter a valid value.")] for name in odd})
    return {name: "" if value is None else value for name, value in data.items()}, \
        MultiValueDict()


def form_errors(form):
    return {("detail" if name == "__all__" else name): [error["message"] for error in errors]
            for name, errors in form.errors.get_json_data().items()}


@extend_schema_view(
    list=extend_schema(
        summary="A case's follow-ups",
        description="In the order they were logged, (created_at, id), oldest first: a "
                    "sync keeps the next link of its last page and later finds there only "
                    "the follow-ups logged since (follow-ups are never edited). The date is "
                    "the day the work was done, which may be earlier than created_at.",
        responses={200: FollowUpSerializer(many=True), **ERRORS, **NOT_FOUND},
    ),
    create=extend_schema(
        summary="Log a follow-up",
        description="Checked as the follow-up page checks it: the figures are added to the "
                    "case's (people helped, amount recovered, households delivered), its "
                    "next follow-up due date moves on, and the follow-up and its files are "
                    "written to the case's history. A closed case takes none. JSON, or "
                    "multipart/form-data to send files with it.",
        request={"application/json": FollowUpInputSerializer,
                 "multipart/form-data": FollowUpUploadSerializer},
        **POST, responses={201: FollowUpSerializer, **WRITTEN},
    ),
)
class FollowUpViewSet(CaseChildView, mixins.ListModelMixin):
    serializer_class = FollowUpSerializer
    parser_classes = [JSONParser, MultiPartParser]
    cursor_ordering = ("created_at", "id")

    def get_queryset(self):
        return (FollowUp.objects.for_user(self.request.user).filter(case=self.case())
                .select_related("created_by").prefetch_related("attachments"))

    def create(self, request, reference):
        case = self.case()
        self.may_work_on(_("You cannot log follow-ups on this case."))
        data, files = form_input(request)
        form = FollowUpForm(data, files, case=case, instance=FollowUp(case=case))
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        follow_up = actions.log_follow_up(user=request.user, case=case, follow_up=form.instance,
                                          uploads=form.cleaned_data.get("files") or [])
        shown = self.get_queryset().get(pk=follow_up.pk)  # as a GET shows it
        return Response(self.get_serializer(shown).data, status=status.HTTP_201_CREATED)


def upload_too_large(request):
    """The answer to an upload announced larger than the limit, before it is read."""
    return JsonResponse({"file": [_("A file may be at most %(mb)s MB; this upload is larger.")
                                  % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}]},
                        status=status.HTTP_400_BAD_REQUEST)


@extend_schema_view(
    list=extend_schema(
        summary="A case's attachments",
        description="In the order they were uploaded, (uploaded_at, id), oldest first; the "
                    "files themselves through each download_url.",
        responses={200: AttachmentSerializer(many=True), **ERRORS, **NOT_FOUND},
    ),
    create=extend_schema(
        summary="Attach a file",
        description="One file per request, as multipart/form-data in the field file, "
                    "checked as the case page checks it (type by name and content, size) and "
                    "written to the case's history. A closed case takes none.",
        request={"multipart/form-data": AttachmentInputSerializer},
        **POST, responses={201: AttachmentSerializer, **WRITTEN},
    ),
)
class AttachmentViewSet(CaseChildView, mixins.ListModelMixin):
    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser]
    cursor_ordering = ("uploaded_at", "id")

    @classmethod
    def as_view(cls, *args, **kwargs):
        return upload_limits(
            max_bytes=lambda: settings.ATTACHMENT_MAX_BYTES + MULTIPART_OVERHEAD,
            max_files=lambda: 1, refuse=upload_too_large,
        )(super().as_view(*args, **kwargs))

    def get_queryset(self):
        return (Attachment.objects.for_user(self.request.user).filter(case=self.case())
                .select_related("case", "uploaded_by"))

    def create(self, request, reference):
        case = self.case()
        self.may_work_on(_("You cannot add files to this case."))
        upload = request.FILES.get("file")  # read here, counted by upload_limits
        if getattr(request._request, "too_many_files", False):
            raise exceptions.ValidationError({"file": [_("Send one file per request.")]})
        if upload is None:
            raise exceptions.ValidationError({"file": [_("Choose at least one file.")]})
        try:
            check_upload(upload)
        except ValidationError as error:
            raise exceptions.ValidationError({"file": error.messages}) from None
        attachment = actions.add_attachment(user=request.user, case=case, upload=upload)
        shown = self.get_queryset().get(pk=attachment.pk)
        return Response(self.get_serializer(shown).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download an attachment",
        description="The file's bytes, as uploaded; every download is written to the audit "
                    "log, as on the case page.",
        responses={(200, "*/*"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The file, with its name in "
                                             "Content-Disposition."),
                   **ERRORS, **NOT_FOUND},
    )
    def download(self, request, reference, pk):
        attachment = get_object_or_404(self.get_queryset(), pk=pk)
        return serve_attachment(request, self.case(), attachment)


@extend_schema_view(
    create=extend_schema(
        summary="Show a personal number whole",
        description="The contact's resident ID number or phone number, whole, to the case's "
                    "owner, a supervisor covering its district or an admin (else 403); every "
                    "reveal is written to the audit log, as on the case page. Never kept for "
                    "an Idempotency-Key: a retry is answered, and audited, again.",
        request=RevealSerializer, **POST,
        responses={200: RevealedSerializer, **WRITTEN},
    ),
)
class RevealViewSet(CaseChildView):
    serializer_class = RevealedSerializer

    def create(self, request, reference):
        case = self.case()
        asked = RevealSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        name = asked.validated_data["field"]
        if not actions.can_reveal_personal_data(request.user, case):
            raise exceptions.PermissionDenied(
                _("Only the case's owner, a supervisor of its district or an admin may see "
                  "its personal numbers whole."))
        audit.record(request, AuditAction.REVEAL, object_label=f"{case.reference} {name}")
        response = Response(RevealedSerializer({"field": name, "value": getattr(case, name)}).data)
        response["Cache-Control"] = "private, no-store"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # A personal number is never stored with its key. A refusal needs nothing: its
        # transaction is rolled back, the claim with it (and no query may run after).
        if self.idempotency_record is not None and status.is_success(response.status_code):
            self.idempotency_record.delete()
        self.idempotency_record = None
        return super().finalize_response(request, response, *args, **kwargs)
