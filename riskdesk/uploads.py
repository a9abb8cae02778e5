"""Upload limits a view declares, enforced before anything reads the request's body.

Django's CSRF check reads the body of every POST (``request.POST``) before the view runs,
so a view cannot itself refuse an oversized upload before it is written to disk. A view
declares its limits with ``@upload_limits(...)``; ``UploadLimitMiddleware``, listed before
``CsrfViewMiddleware``, answers a body announced larger than ``max_bytes`` with the view's
``refuse(request)`` without reading it (the WSGI server never hands Django more than the
announced length), and stops reading at the first file past ``max_files``: the view then
finds ``request.too_many_files`` set. Django's DATA_UPLOAD_MAX_NUMBER_FILES is one limit for
the whole site; this one is per view.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadhandler import FileUploadHandler, StopUpload


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: Callable[[], int]
    max_files: Callable[[], int]
    refuse: Callable  # (request) -> the response to a body over max_bytes


def upload_limits(**limits):
    """Declare the view's limits: ``max_bytes`` and ``max_files`` (callables, so settings
    are read per request) and ``refuse(request)``."""

    def decorate(view):
        view.upload_limits = UploadLimits(**limits)
        return view

    return decorate


class FileCountLimit(FileUploadHandler):
    """Stops reading the body at the first file past the limit; the rest is skipped."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit, self.count = limit, 0
        request.too_many_files = False

    def new_file(self, *args, **kwargs):
        self.count += 1
        if self.count > self.limit:
            self.request.too_many_files = True
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limits = getattr(view_func, "upload_limits", None)
        if limits is None or request.method != "POST":
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limits.max_bytes():
            return limits.refuse(request)
        request.upload_handlers.insert(0, FileCountLimit(request, limits.max_files()))
        return None
