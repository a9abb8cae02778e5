from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from riskdesk import health
from riskdesk.access import scope_of
from riskdesk.models import District


def home(request):
    scope = scope_of(request.user)
    districts = (
        District.objects.active() if scope.everything
        else District.objects.filter(pk__in=scope.district_ids)
    )
    membership = getattr(request.user, "membership", None)
    return render(
        request,
        "riskdesk/home.html",
        {
            "role_label": membership.get_role_display() if membership else None,
            "districts": districts,
            "whole_city": scope.everything,
        },
    )


@login_not_required
@never_cache
@require_GET
@transaction.non_atomic_requests
def healthz(request):
    """200 with {"database": "ok", "broker": "ok"}, or 503 naming what is down."""
    healthy, report = health.status()
    return JsonResponse(report, status=200 if healthy else 503)


def error_page(template, status):
    """Error pages in the base layout.

    The 500 page renders without context processors (no user, no database), so it still
    shows when the database is what failed.
    """

    @login_not_required
    def view(request, exception=None):
        if status >= 500:
            body = loader.get_template(template).render({"request_path": request.path})
            return HttpResponseServerError(body)
        return render(request, template, status=status)

    return view
