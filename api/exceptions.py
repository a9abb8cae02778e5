"""The API's errors: JSON always, in the language of ``Accept-Language`` (LocaleMiddleware).

Bad input is a 400 whose body names each field with its messages (``{"status": ["..."]}``),
also when the refusal comes from Django itself (a model's ``clean()``) rather than DRF.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections
from rest_framework import exceptions, permissions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    # DRF marks the request's transaction for rollback. A view that reads only has none of
    # its own (api.views.ApiView.reads_only) for a read: the block it would mark is its
    # caller's (a test's), so that mark is undone. Its writes have their own: marked.
    marks = {db.alias: db.get_rollback() for db in connections.all(initialized_only=True)
             if db.in_atomic_block}
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if (getattr(context.get("view"), "reads_only", False)
            and getattr(request, "method", "GET") in permissions.SAFE_METHODS):
        for db in connections.all(initialized_only=True):
            if db.alias in marks:
                db.set_rollback(marks[db.alias])
    return response
