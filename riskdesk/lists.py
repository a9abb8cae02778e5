"""Lists remember the user's last filters.

The filters stay in the URL (bookmarkable, shareable); in addition the last query string
of each list is kept in the user's session and restored when the list is opened bare, from
the navigation. ``?clear=1`` forgets it (the list's "Clear" button). A list opened from a
figure (``?from=figure``) is not remembered.
"""

from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, QueryDict

SESSION_KEY = "riskdesk.list_filters"
NOT_REMEMBERED = ("page", "clear")  # where you were in the list is not a filter
# A list opened from a figure (dashboard, summary) is shown, not remembered: one click on
# "orders overdue: 0" must not make the menu open an empty list from then on.
DRILL_DOWN = "from"
PAGE_SIZES = (10, 25, 50, 100)


def remembered(request, name: str) -> HttpResponseRedirect | None:
    """A redirect to the remembered filters of list ``name``, or None to show the list
    as asked. Remembers the filters of a filtered request."""
    saved = request.session.get(SESSION_KEY, {})
    if "clear" in request.GET:
        if name in saved:
            del saved[name]
            request.session[SESSION_KEY] = saved
        return HttpResponseRedirect(request.path)
    if not request.GET:
        query = saved.get(name)
        return HttpResponseRedirect(f"{request.path}?{query}") if query else None
    if DRILL_DOWN in request.GET:
        return None
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in NOT_REMEMBERED:
            query.setlist(key, values)
    encoded = query.urlencode()
    if saved.get(name, "") != encoded:
        if encoded:
            saved[name] = encoded
        else:
            saved.pop(name, None)
        request.session[SESSION_KEY] = saved
    return None


def paginate(request, queryset, paginator_class=Paginator, **kwargs) -> dict:
    """A list page's page of ``queryset`` in the size the user chose (``?per_page=``), and
    what its paging links need: the query string without the page."""
    per_page = request.GET.get("per_page", "25")
    per_page = int(per_page) if per_page in {str(size) for size in PAGE_SIZES} else 25
    page = paginator_class(queryset, per_page, **kwargs).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "per_page": per_page, "page_sizes": PAGE_SIZES,
            "query": query.urlencode()}
