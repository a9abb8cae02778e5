from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.models import ApiToken


class TokenScopeAllows(permissions.BasePermission):
    """A read-only token reads: any unsafe method (POST, PUT, PATCH, DELETE) is refused."""

    message = _("This token is read-only: it cannot change anything.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return not (isinstance(token, ApiToken) and token.read_only)
