"""The ``Idempotency-Key`` header, honoured for 24 h on every POST of the API.

A client that cannot tell whether its POST arrived (a timeout, a dropped connection) sends
it again with the same key: the first successful answer is replayed, nothing is done twice.

- The key is claimed by inserting its row (unique per user and key) in the request's
  transaction: a second request with the key, sent at the same moment, waits on that row
  until the first commits, then replays its answer (or, if the first was refused and
  rolled back, goes on as the first).
- The same key with another request (method, path or body) is refused with 422.
- Only a successful answer (2xx) is stored; a refused request changed nothing and rolled
  its claim back, so its retry is checked again.
- After 24 h a key is forgotten: its row is cleared when the key comes again.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from api.models import ApiToken, IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_LENGTH = IdempotencyKey._meta.get_field("key").max_length

PARAMETER = OpenApiParameter(
    HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Any unique string of up to 255 characters (a UUID, say). Sent again with "
                "the same request within 24 h, it gets the first successful answer again "
                f"(with the header {REPLAYED}: true) and changes nothing; with another "
                "request it is refused (422).",
)
RESPONSES = {
    409: OpenApiResponse(description="A request with this Idempotency-Key is still being "
                                     "answered: try again in a moment."),
    422: OpenApiResponse(description="This Idempotency-Key was used with another request."),
}


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was already used with another request: send a "
                       "new key with a new request.")
    default_code = "idempotency_key_reused"


class KeyInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("A request with this Idempotency-Key is still being answered: try "
                       "again in a moment.")
    default_code = "idempotency_key_in_progress"


class Replayed(Exception):
    """Raised from ``claim`` when the answer is the stored one; the view returns it."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def claim(request):
    """Claim the request's key, if it has one, and return its row; raise ``Replayed`` if
    the key was used with this same request, ``KeyReused`` if with another one."""
    key = request.headers.get(HEADER, "").strip()
    if request.method != "POST" or not key:
        return None
    if len(key) > MAX_LENGTH:
        raise exceptions.ValidationError({HEADER: [
            _("Ensure this value has at most %(max)d characters.") % {"max": MAX_LENGTH}]})
    user = request.user
    token = request.auth if isinstance(request.auth, ApiToken) else None
    fingerprint = {"method": request.method, "path": request.path,
                   "body_hash": body_hash(request)}
    IdempotencyKey.objects.expired(timezone.now()).filter(user=user, key=key).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, token=token, key=key, **fingerprint)
    except IntegrityError:  # used before, or being used right now: its answer is committed
        pass
    record = IdempotencyKey.objects.get(user=user, key=key)
    if any(getattr(record, name) != value for name, value in fingerprint.items()):
        raise KeyReused()
    if record.response_status is None:
        raise KeyInProgress()
    raise Replayed(Response(record.response_body, status=record.response_status,
                            headers={REPLAYED: "true"}))


def body_hash(request) -> str:
    """The SHA-256 of the body; of a multipart body's fields and files as parsed (its
    files are streamed to disk, never held whole in memory as ``request.body`` would)."""
    if not request.content_type.startswith("multipart/"):
        return hashlib.sha256(request.body).hexdigest()
    digest = hashlib.sha256()
    for name, values in sorted(request.POST.lists()):
        digest.update(repr((name, values)).encode())
    for name, uploads in sorted(request.FILES.lists()):
        for upload in uploads:
            digest.update(repr((name, upload.name, upload.size)).encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def store(record, response):
    """Keep a successful answer for the key's replays (in the request's transaction)."""
    if record is None or not status.is_success(response.status_code):
        return
    record.response_status = response.status_code
    record.response_body = response.data
    record.save(update_fields=["response_status", "response_body"])
