"""Saved views' pages: all the views a user may open (the navigation's "Saved views"),
saving the list shown as a view, and the owner's renaming and deleting; anyone who may
open a view may make it their default (``riskdesk.saved_views``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from riskdesk import saved_views
from riskdesk.choices import SavedList
from riskdesk.models import SavedView


def _visible(request, pk):
    return get_object_or_404(SavedView.objects.for_user(request.user), pk=pk)


def _own(request, pk):
    """The view if the user owns it; another user's view is 404, as if not there."""
    return get_object_or_404(SavedView.objects.filter(owner=request.user), pk=pk)


@require_GET
def view_index(request):
    views = list(saved_views.visible_views(request.user))
    saved_views.remember_in_nav(request, views)
    groups = []
    for value, label in SavedList.choices:
        entries = [view for view in views if view.list == value]
        for view in entries:
            view.open_url = saved_views.open_url(view)
        groups.append({"label": label, "url": saved_views.list_url(value), "views": entries})
    return render(request, "riskdesk/saved_views.html", {
        "groups": groups, "rename_form": saved_views.RenameViewForm(),
    })


@require_POST
def view_save(request):
    form = saved_views.SaveViewForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            view = saved_views.save_view(user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
            return HttpResponseRedirect(saved_views.open_url(view))
    problems = " ".join(f"{form.fields[name].label}: {' '.join(errors)}"
                        if name in form.fields else " ".join(errors)
                        for name, errors in form.errors.items())
    messages.error(request, _("The view was not saved. %(problems)s") % {"problems": problems})
    name = request.POST.get("list")
    if name not in SavedList.values:
        return redirect("saved_views:index")
    query = saved_views.saveable(QueryDict(request.POST.get("query", "")))
    return HttpResponseRedirect(f"{saved_views.list_url(name)}?{query}")


@require_POST
def view_rename(request, pk):
    view = _own(request, pk)
    form = saved_views.RenameViewForm(request.POST)
    if form.is_valid():
        try:
            saved_views.rename_view(view=view, name=form.cleaned_data["name"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("View renamed to “%(name)s”.") % {"name": view.name})
    else:
        messages.error(request, _("A view needs a name."))
    return redirect("saved_views:index")


@require_POST
def view_delete(request, pk):
    view = _own(request, pk)
    view.delete()
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect("saved_views:index")


@require_POST
def view_default(request, pk):
    view = _visible(request, pk)
    on = request.POST.get("on") != "0"
    saved_views.set_default(user=request.user, view=view, on=on)
    if on:
        messages.success(request, _("“%(name)s” now opens when you open the list.")
                         % {"name": view.name})
    else:
        messages.success(request, _("The list opens without a default view again."))
    if request.POST.get("back") == "list":
        return HttpResponseRedirect(saved_views.open_url(view))
    return redirect("saved_views:index")


app_name = "saved_views"
urlpatterns = [
    path("", view_index, name="index"),
    path("save/", view_save, name="save"),
    path("<int:pk>/rename/", view_rename, name="rename"),
    path("<int:pk>/delete/", view_delete, name="delete"),
    path("<int:pk>/default/", view_default, name="default"),
]
