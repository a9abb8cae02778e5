"""The API's pages: the user's tokens (list, create, revoke) and the API's docs."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from api import tokens
from api.choices import TokenScope
from api.forms import TokenForm
from api.models import ApiToken


@require_http_methods(["GET", "POST"])
def token_list(request):
    """The signed-in user's tokens; a new one is shown once, on the page that made it."""
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = tokens.issue(
            request.user, name=form.cleaned_data["name"],
            read_only=form.cleaned_data["scope"] == TokenScope.READ,
            expires_days=form.cleaned_data["expires_days"],
        )
        form = TokenForm()
    response = render(request, "api/tokens.html", {
        "form": form, "new_key": new_key,
        "tokens": ApiToken.objects.filter(user=request.user),
    })
    if new_key:
        response["Cache-Control"] = "no-store"  # the token is on this page only
    return response


@require_POST
def token_revoke(request, pk):
    try:
        token = tokens.revoke(request.user, pk)
    except ApiToken.DoesNotExist:
        raise Http404 from None  # another user's token: it does not exist for you
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api_tokens:list")


@require_GET
def docs(request):
    """Swagger UI from the app's own static files (drf-spectacular-sidecar), started by a
    static script: the strict Content-Security-Policy allows no inline script or style."""
    return render(request, "api/docs.html")
