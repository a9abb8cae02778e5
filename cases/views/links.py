"""Links between cases, merging a duplicate, and the clusters of linked cases."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.transaction import non_atomic_requests
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import actions
from cases.clusters import clusters_for
from cases.forms import LinkForm, MergeForm
from cases.models import CaseLink
from cases.views.cases import scoped_case
from riskdesk.access import scope_of


def _refused(request, error):
    messages.error(request, " ".join(error.messages))


@require_POST
def case_link(request, reference):
    case = scoped_case(request, reference)
    form = LinkForm(request.POST, prefix="link")
    if not form.is_valid():
        messages.error(request, _("Give the other case's reference and how they are linked."))
        return redirect(case)
    try:
        other = actions.visible_other(request.user, form.cleaned_data["other"])
        actions.link_cases(user=request.user, case=case, other=other,
                           kind=form.cleaned_data["kind"], note=form.cleaned_data["note"])
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Linked to %(ref)s.") % {"ref": other.reference})
    return redirect(case)


@require_POST
def case_unlink(request, reference, pk):
    case = scoped_case(request, reference)
    link = get_object_or_404(CaseLink.objects.of(case), pk=pk)
    try:
        actions.unlink_cases(user=request.user, case=case, link=link,
                             note=request.POST.get("note", "")[:4000])
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The link was removed; the history keeps it."))
    return redirect(case)


@require_POST
def case_merge(request, reference):
    case = scoped_case(request, reference)
    if not actions.can_merge(request.user, case):
        raise PermissionDenied  # the case is theirs to see, not to merge
    form = MergeForm(request.POST, prefix="merge")
    if not form.is_valid():
        messages.error(request, _("Give the survivor's reference and a note."))
        return redirect(case)
    try:
        survivor = actions.visible_other(request.user, form.cleaned_data["other"])
        actions.merge_cases(user=request.user, duplicate=case, survivor=survivor,
                            note=form.cleaned_data["note"])
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Merged into %(ref)s: this case is closed.") % {
            "ref": survivor.reference})
    return redirect(case)


@require_GET
@non_atomic_requests  # reads only
def cluster_list(request):
    if not scope_of(request.user).is_supervisor:
        raise Http404
    return render(request, "cases/clusters.html", {"clusters": clusters_for(request.user)})
