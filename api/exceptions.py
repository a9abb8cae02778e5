"""The API's errors: JSON always, in the language of ``Accept-Language`` (LocaleMiddleware).

Bad input is a 400 whose body names each field with its messages (``{"status": ["..."]}``),
also when the refusal comes from Django itself (a model's ``clean()``) rather than DRF.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
