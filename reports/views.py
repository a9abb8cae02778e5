"""The home page (the dashboard for staff, supervisors and administrators) and the work
summary."""

from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.views.decorators.http import require_GET

from assessments.models import Assessment
from reports import dashboard as dashboard_
from reports import security_periods as security_
from reports import summary as summary_
from reports import summary_docx as document_
from reports.selection import Selection
from riskdesk import periods
from riskdesk.access import scope_of
from riskdesk.choices import Role
from riskdesk.lists import paginate
from riskdesk.models import District
from riskdesk.replica import reading_from_replica

DASHBOARD_ROLES = (Role.STAFF, Role.SUPERVISOR, Role.ADMIN)


def home(request):
    scope = scope_of(request.user)
    if scope.role in DASHBOARD_ROLES:
        return dashboard(request)
    districts = (
        District.objects.active() if scope.everything
        else District.objects.filter(pk__in=scope.district_ids)
    )
    membership = getattr(request.user, "membership", None)
    # An assessor works for an agency, not a district: their start page is the agency's
    # assignments, each with what is still to do.
    assignments = (
        Assessment.objects.for_user(request.user).in_progress()
        .select_related("decision__department").order_by("decision__planned_date")
        if scope.role == Role.ASSESSOR else None
    )
    return render(
        request,
        "reports/home.html",
        {
            "role_label": membership.get_role_display() if membership else None,
            "districts": districts,
            "whole_city": scope.everything,
            "assignments": assignments,
        },
    )


def _selection(request) -> Selection:
    if scope_of(request.user).role not in DASHBOARD_ROLES:
        raise Http404
    return Selection.from_query(request.user, request.GET)


def _period_choices(selection) -> dict:
    """The period selector's years and months, and the selection as a query string."""
    return {
        "years": range(selection.today.year, periods.FIRST_YEAR - 1, -1)[:10],
        "months": [(number, formats.date_format(date(2000, number, 1), "F"))
                   for number in range(1, 13)],
        "query": urlencode(selection.query()),
    }


@require_GET
@transaction.non_atomic_requests  # reads only: no transaction (BEGIN/COMMIT) around it
@reading_from_replica()
def dashboard(request):
    """Where risk stands in the user's districts and what is slipping (staff: their own)."""
    selection = _selection(request)
    context = dashboard_.cached_dashboard(selection, sort=request.GET.get("sort", "-open"))
    membership = getattr(request.user, "membership", None)
    return render(request, "reports/dashboard.html", {
        **context,
        "role_label": membership.get_role_display() if membership else None,
        "cache_minutes": max(1, settings.DASHBOARD_CACHE_SECONDS // 60),
        **_period_choices(selection),
    })


@require_GET
@transaction.non_atomic_requests  # reads only: no transaction (BEGIN/COMMIT) around it
@reading_from_replica()
def summary(request):
    """The work summary of a year or month, printable; ``summary.docx`` to download."""
    selection = _selection(request)
    return render(request, "reports/summary.html", {
        "selection": selection,
        "title": summary_.summary_title(selection),
        "sections": summary_.summary(selection),
        "issuer": summary_.summary_issuer(selection),
        "issued_on": summary_.summary_date(selection),
        **_period_choices(selection),
    })


@require_GET
@transaction.non_atomic_requests  # reads only: no transaction (BEGIN/COMMIT) around it
@reading_from_replica()
def security_periods(request):
    """What was done during each security period, in the user's scope."""
    if scope_of(request.user).role not in DASHBOARD_ROLES:
        raise Http404
    page = paginate(request, security_.periods_with_work(request.user))
    page["rows"] = security_.rows(page["page"].object_list, timezone.localdate())
    return render(request, "reports/security_periods.html", page)


@require_GET
@reading_from_replica()
def summary_docx(request):
    selection = _selection(request)
    title = summary_.summary_title(selection)
    body = document_.summary_docx(title, summary_.summary(selection),
                                  issuer=summary_.summary_issuer(selection),
                                  date=summary_.summary_date(selection))
    response = HttpResponse(
        body,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = f"riskdesk-summary-{selection.period.year}"
    if selection.period.month:
        name += f"-{selection.period.month:02d}"
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response
