"""The sign-in backend: Django's, reading the signed-in user with their scope."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from riskdesk.access import with_scope
from riskdesk.notify import with_unread_count
from riskdesk.signin import is_integration_account


class ModelBackendWithScope(ModelBackend):
    """``ModelBackend`` whose ``get_user`` (run on every request) also reads the user's
    membership and active district ids (what ``scope_of`` needs) and their unread count
    (the inbox badge), in the same query. An integration account has no session: one
    made anyhow (its role changed while signed in) is no longer signed in."""

    def get_user(self, user_id):
        users = with_unread_count(with_scope(get_user_model()._default_manager.all()))
        user = users.filter(pk=user_id).first()
        if user is None or is_integration_account(user):
            return None
        return user if self.user_can_authenticate(user) else None
