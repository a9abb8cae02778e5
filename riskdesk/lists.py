"""Lists remember the user's last filters.

The filters stay in the URL (bookmarkable, shareable); in addition the last query string
of each list is kept in the user's session and restored when the list is opened bare, from
the navigation. ``?clear=1`` forgets it (the list's "Clear" button).
"""

from django.http import HttpResponseRedirect, QueryDict

SESSION_KEY = "riskdesk.list_filters"
NOT_REMEMBERED = ("page", "clear")  # where you were in the list is not a filter


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
