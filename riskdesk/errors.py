"""The 405 page: ``require_POST``, ``require_http_methods`` and class-based views answer a
method they do not take with an empty ``HttpResponseNotAllowed``; this middleware writes
our page (``templates/405.html``, in the layout and the user's language) into it, keeping
its ``Allow`` header. The other error pages are the handlers in ``riskdesk/urls.py``."""

from riskdesk.views import error_page

method_not_allowed = error_page("405.html", 405)


class MethodNotAllowedPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        page = method_not_allowed(request)
        page["Allow"] = response["Allow"]
        return page
