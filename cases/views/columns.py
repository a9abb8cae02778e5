"""Choosing the case list's columns (a form of checkboxes and order numbers, no script
needed): kept as the user's columns, and as the open view's when it is the user's own."""

from django.contrib import messages
from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import columns
from riskdesk import saved_views
from riskdesk.choices import SavedList
from riskdesk.models import SavedView


@require_POST
def case_columns(request):
    # Back to the list as it was: only a query string is taken, never an address.
    back = QueryDict(request.POST.get("next", ""), mutable=True)
    url = f"{reverse('cases:list')}?{back.urlencode()}"
    chosen = columns.ordered_from_post(request.POST)
    if not chosen:
        messages.error(request, _("Choose at least one column."))
        return HttpResponseRedirect(url)
    view = SavedView.objects.for_user(request.user).filter(
        list=SavedList.CASES, pk=saved_views.pk_of(back.get(saved_views.VIEW_PARAM))).first()
    saved_views.set_columns(user=request.user, name=SavedList.CASES, columns=chosen, view=view)
    if view is not None and view.owner_id == request.user.pk:
        messages.success(request, _("Columns saved for you and for the view “%(name)s”.")
                         % {"name": view.name})
        return HttpResponseRedirect(url)
    # Another's view keeps its author's columns: the list goes on with the same filters
    # and the user's own columns.
    back.pop(saved_views.VIEW_PARAM, None)
    messages.success(request, _("Columns saved."))
    return HttpResponseRedirect(f"{reverse('cases:list')}?{back.urlencode()}")
