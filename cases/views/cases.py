"""Risk cases' own pages: the list, registering and editing a case, the case page,
revealing a personal number and the workflow's steps."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.transaction import non_atomic_requests
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import actions, duplicates
from cases.choices import LinkKind, Status
from cases.columns import CASE_COLUMNS
from cases.filtersets import CaseFilterSet
from cases.forms import (
    AttachmentForm,
    BulkForm,
    CaseForm,
    FollowUpForm,
    IssueOrderForm,
    LinkForm,
    MergeForm,
    TransitionForm,
    details_forms,
)
from cases.models import Case, CaseLink
from cases.models.cases import version_of
from cases.views.order_panels import ORDER_PEOPLE, order_panel, with_order_details
from cases.views.timeline import timeline_entries
from riskdesk import audit, saved_views
from riskdesk.access import scope_of
from riskdesk.choices import AuditAction, Role, SavedList
from riskdesk.columns import page_context, rows
from riskdesk.forms import add_errors
from riskdesk.lists import paginate, remembered


def scoped_case(request, reference):
    """The case if it is in the user's scope, else 404 (never 403: existence stays hidden)."""
    queryset = Case.objects.for_user(request.user).with_related()
    return get_object_or_404(queryset, reference=reference)


# ---------------------------------------------------------------- the list
def filtered_cases(request):
    scoped = Case.objects.for_user(request.user)
    filterset = CaseFilterSet(request.GET or None, queryset=scoped, user=request.user)
    return filterset, filterset.qs


class CasePaginator(Paginator):
    """A paginator that is told its count and fetches a page in two steps.

    The count comes from the per-status counts the page shows anyway, so the filtered
    cases are counted once, not twice. A page is read as ids first (an index-only walk
    of the sort order, from whichever end is nearer), then only those cases with their
    related rows: an OFFSET no longer joins category, district and owner for every
    skipped row.
    """

    def __init__(self, object_list, per_page, *, count, columns=()):
        super().__init__(object_list, per_page)
        self._count = count
        self.columns = columns  # read what the chosen columns need with the page

    @property
    def count(self):
        return self._count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = self.page_ids(bottom, top)
        # The ids come from the scoped, filtered queryset: reading them back needs neither
        # the scope nor the filters again (a search would otherwise run twice).
        cases = CASE_COLUMNS.with_related(Case.objects.with_related(), self.columns)
        by_id = cases.in_bulk(ids)
        return self._get_page([by_id[pk] for pk in ids if pk in by_id], number, self)

    def page_ids(self, bottom, top) -> list:
        """The ids of rows ``bottom`` to ``top`` in the list's order. An OFFSET walks every
        row before the page, so a page in the second half is read from the other end, in
        the reverse order: the last page skips no row at all. The orders end with the id
        and reversing one also moves the empty values to the other end, so both walks
        give the same rows."""
        ids = self.object_list.values_list("pk", flat=True)
        if bottom <= self.count - top or not ids.ordered:
            return list(ids[bottom:bottom + self.per_page])
        return list(ids.reverse()[self.count - top:self.count - bottom])[::-1]


def _with_status(request, value) -> str:
    """The list's query string with this status chosen and every other filter kept: a
    chip's count is of the current filters, so its link keeps them."""
    query = request.GET.copy()
    query.setlist("status", [value])
    query.pop("page", None)
    return query.urlencode()


def share_owner_choices(*fields):
    """The filter's and the bulk form's owner lists are the same people: read them once
    (the list keeps its query count); each field still validates with its queryset."""
    owners = [("", fields[0].empty_label),
              *((user.pk, fields[0].label_from_instance(user)) for user in fields[0].queryset)]
    for field in fields:
        field.widget.choices = owners


@require_GET
@non_atomic_requests  # reads only: no transaction (BEGIN/COMMIT) around it
def case_list(request):
    opened = saved_views.open_list(request, SavedList.CASES, lambda data: CaseFilterSet(
        data, queryset=Case.objects.none(), user=request.user), CASE_COLUMNS)
    if opened:
        return opened
    restore = remembered(request, "cases")
    if restore:
        return restore
    shown_at = version_of(timezone.now())  # before reading: a later change is caught
    filterset, cases = filtered_cases(request)
    scope, today = scope_of(request.user), timezone.localdate()
    views = saved_views.list_views(
        request, SavedList.CASES, choose_columns=lambda view, setting: CASE_COLUMNS.chosen(
            view=view, setting=setting, hidden=("district",) if scope.is_staff else ()))
    # Counts per status for the current filters but any status: one grouped query, which
    # also gives the list's count (the statuses chosen, else all).
    counts = filterset.status_counts()
    status_counts = [(value, label, counts.get(value, 0), _with_status(request, value))
                     for value, label in Status.choices]
    chosen = filterset.form.cleaned_data.get("status") if filterset.is_bound else None
    count = sum(counts.get(value, 0) for value in chosen) if chosen else sum(counts.values())
    shown = views["columns"]
    listed = paginate(request, cases, CasePaginator, count=count,
                      columns=shown)
    can_bulk = scope.role in (Role.STAFF, Role.SUPERVISOR)
    bulk_form = BulkForm(user=request.user, auto_id="bulk_%s") if can_bulk else None
    if bulk_form:
        share_owner_choices(filterset.form.fields["owner"], bulk_form.fields["owner"])
    return render(request, "cases/list.html", {
        "filterset": filterset,
        **listed,
        **views,
        "rows": rows(listed["page"].object_list, shown),
        **page_context(CASE_COLUMNS, shown, "cases:columns"),
        "show_district": not scope.is_staff,
        "status_counts": status_counts,
        "total": sum(counts.values()),
        "can_register": actions.can_register(request.user),
        "today": today,
        # Bulk actions: each row's checkbox carries the case's version, "all matching"
        # the moment the list was read (cases.actions.bulk refuses a stale selection).
        "bulk_form": bulk_form,
        "page_tokens": ",".join(f"{case.pk}:{case.version}"
                                for case in listed["page"].object_list),
        "shown_at": shown_at,
    })


# ---------------------------------------------------------------- register and edit
def _case_forms(request, case):
    """The case form and the details forms; only the chosen kind's details are bound."""
    posted = request.method == "POST"
    form = CaseForm(request.POST if posted else None, instance=case, user=request.user)
    valid = posted and form.is_valid()
    kind = form.chosen_kind() if posted else (case.category.kind if case.pk else None)
    details_by_kind = details_forms(case, request.POST if posted else None, kind=kind)
    return form, details_by_kind, valid, kind


def _details_for_save(details_by_kind, kind):
    form = details_by_kind.get(kind)
    return form.save(commit=False) if form is not None else None


def _details_valid(details_by_kind, kind):
    form = details_by_kind.get(kind)
    return form is None or form.is_valid()


@require_http_methods(["GET", "POST"])
def case_create(request):
    """Register a case. A first POST with likely duplicates shows them, saving nothing;
    the user then registers anyway, registers and links, or withdraws (cases.duplicates)."""
    if not actions.can_register(request.user):
        raise PermissionDenied
    case = Case()
    form, details_by_kind, valid, kind = _case_forms(request, case)
    suggestions, decision = [], request.POST.get("duplicates", "")
    if valid and _details_valid(details_by_kind, kind):
        details = _details_for_save(details_by_kind, kind)
        if not decision:
            suggestions = duplicates.suggestions(request.user, form.instance, details)
        if not suggestions:
            try:
                case = _register(request, form.instance, details, decision)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Case %(ref)s registered.") % {
                    "ref": case.reference})
                return redirect(case)
    return render(request, "cases/form.html", {
        "form": form, "details_forms": details_by_kind, "case": None,
        "suggestions": suggestions, "link_kinds": LinkKind.choices,
        "linkable": any(suggestion.visible for suggestion in suggestions),
    })


def _register(request, case, details, decision):
    if decision == "link":
        return actions.register_and_link(
            user=request.user, case=case, details=details,
            other_reference=request.POST.get("link_to", ""),
            kind=request.POST.get("link_kind", ""))
    return actions.register_case(user=request.user, case=case, details=details)


@require_http_methods(["GET", "POST"])
def case_edit(request, reference):
    case = scoped_case(request, reference)
    if not actions.can_work_on(request.user, case):
        raise PermissionDenied
    if not case.is_open:
        messages.warning(request, _("A closed case cannot be edited; a supervisor can reopen it."))
        return redirect(case)
    form, details_by_kind, valid, kind = _case_forms(request, case)
    if valid and _details_valid(details_by_kind, kind):
        try:
            changes = actions.update_case(
                user=request.user, case=form.instance,
                details=_details_for_save(details_by_kind, kind),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changes:
                messages.success(request, _("Changes saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(case)
    return render(request, "cases/form.html", {
        "form": form, "details_forms": details_by_kind, "case": case,
    })


# ---------------------------------------------------------------- the case page
def case_page_lists(case) -> dict:
    """The case page's ``events`` (newest first, with their users), ``follow_ups`` (with
    their authors), ``attachments`` (with uploader and follow-up) and ``orders`` (newest
    first, with the people who issued and handled them): one query each."""
    return {
        "events": case.events.select_related("user").order_by("-at", "-id"),
        "follow_ups": case.follow_ups.select_related("created_by"),
        "attachments": case.attachments.select_related("uploaded_by", "follow_up"),
        "orders": case.orders.select_related(*ORDER_PEOPLE).order_by("-issued_at", "-id"),
    }


def case_page_context(request, case, *, issue_form=None, bound=None):
    """Everything the case page shows. ``issue_form`` and ``bound`` (an order's step form
    with its refusal: ``(order_pk, step, form)``) re-show a refused form where it was."""
    user = request.user
    can_work = actions.can_work_on(user, case) and case.is_open
    lists = case_page_lists(case)
    attachments, follow_ups = list(lists["attachments"]), list(lists["follow_ups"])
    # Each follow-up's files, from the case's attachments read once for the list below
    # (a query fewer than prefetching them), in the order they were attached.
    files = {}
    for attachment in sorted(attachments, key=lambda attachment: attachment.pk):
        files.setdefault(attachment.follow_up_id, []).append(attachment)
    for follow_up in follow_ups:
        follow_up.files = files.get(follow_up.pk, [])
    today = timezone.localdate()
    orders = with_order_details(lists["orders"])
    can_issue = actions.can_issue_order(user, case)
    if can_issue and issue_form is None:
        issue_form = IssueOrderForm(user=user, prefix="issue")
    return {
        "case": case,
        "details": case.details(),
        "labels": case.figure_labels(),
        "history": timeline_entries(lists["events"]),
        "follow_ups": follow_ups,
        "attachments": attachments,
        "transitions": actions.allowed_transitions(user, case),
        "transition_form": TransitionForm(),
        "can_work": can_work,
        "follow_up_form": FollowUpForm(case=case) if can_work else None,
        "attachment_form": AttachmentForm() if can_work else None,
        "order_panels": [order_panel(user, order, today, bound=bound) for order in orders],
        "issue_form": issue_form if can_issue else None,
        "today": today,
        "personal_data": personal_data(case),
        "can_reveal": actions.can_reveal_personal_data(user, case),
        **links_panel(user, case),
    }


def links_panel(user, case) -> dict:
    """The case's links (one query), each other case shown whole only if the user may
    see it (else its district and reference), and the link and merge forms."""
    scope = scope_of(user)
    links = [
        {"link": link, "other": link.other(case), "outgoing": link.from_case_id == case.pk,
         "visible": scope.covers(link.other(case).district_id)}
        for link in CaseLink.objects.of(case).select_related(
            "from_case__district", "to_case__district")
    ]
    merged_into = next((item["other"] for item in links
                        if item["other"].pk == case.merged_into_id), None)
    return {
        "links": links,
        "merged_into": merged_into,
        "can_link": actions.can_link(user, case),
        "link_form": LinkForm(prefix="link") if actions.can_link(user, case) else None,
        "merge_form": MergeForm(prefix="merge", candidates=[
            item["other"] for item in links if item["visible"] and item["other"].is_open
            and item["other"].merged_into_id is None])
        if case.is_open and case.merged_into_id is None and actions.can_merge(user, case)
        else None,
    }


@require_GET
@non_atomic_requests  # reads only: no transaction (BEGIN/COMMIT) around it
def case_detail(request, reference):
    case = scoped_case(request, reference)
    return render(request, "cases/detail.html", case_page_context(request, case))


# ---------------------------------------------------------------- personal data
PERSONAL_FIELDS = ("contact_id_number", "contact_phone")


def personal_data(case, revealed=None):
    """The case's personal numbers for its page: masked, or whole when just revealed."""
    return [
        {
            "name": name,
            "label": capfirst(Case._meta.get_field(name).verbose_name),
            "masked": getattr(case, f"{name}_masked"),
            "value": getattr(case, name) if name == revealed else "",
        }
        for name in PERSONAL_FIELDS
    ]


@require_POST
def reveal_contact(request, reference, name):
    """Show one personal number whole, to the owner, a supervisor or an admin; audited."""
    case = scoped_case(request, reference)
    if name not in PERSONAL_FIELDS:
        raise Http404
    if not actions.can_reveal_personal_data(request.user, case):
        raise PermissionDenied
    audit.record(request, AuditAction.REVEAL, object_label=f"{case.reference} {name}")
    context = case_page_context(request, case)
    context["personal_data"] = personal_data(case, revealed=name)
    response = render(request, "cases/detail.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def case_transition(request, reference, name):
    case = scoped_case(request, reference)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Every status change needs a note."))
        return redirect(case)
    try:
        actions.transition(user=request.user, case=case, name=name, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Status changed to “%(status)s”.") % {
            "status": case.get_status_display()
        })
    return redirect(case)
