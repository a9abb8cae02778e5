"""The sign-in backend: Django's, reading the signed-in user with their scope."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from riskdesk.access import with_scope
from riskdesk.notify import with_unread_count


class ModelBackendWithScope(ModelBackend):
    """``ModelBackend`` whose ``get_user`` (run on every request) also reads the user's
    membership and active district ids (what ``scope_of`` needs) and their unread count
    (the inbox badge), in the same query."""

    def get_user(self, user_id):
        users = with_unread_count(with_scope(get_user_model()._default_manager.all()))
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
