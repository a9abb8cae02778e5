"""The sign-in backend: Django's, reading the signed-in user with their scope."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections

from riskdesk.access import IDS_ATTR, with_scope
from riskdesk.db import CompiledObjects
from riskdesk.notify import UNREAD_ATTR, with_unread_count


class ModelBackendWithScope(ModelBackend):
    """``ModelBackend`` whose ``get_user`` (run on every request) also reads the user's
    membership and active district ids (what ``scope_of`` needs) and their unread count
    (the inbox badge), in the same query."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager
        connection = connections[users.db]
        if connection.vendor == "postgresql":
            user = SignedInUserQuery.compiled(connection.alias).read(user_id)
        else:
            user = with_unread_count(with_scope(users.all())).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class SignedInUserQuery:
    """The query of ``get_user``, written to SQL once per process (riskdesk.db.
    CompiledObjects), not once per request: the ORM built the same query for every request
    but the user's id, and building it (two subqueries and a join) cost a millisecond and a
    half of CPU, more than running it. Each request runs the SQL with its own id and gets
    the user with their membership, as ``select_related`` would, and the district ids and
    unread count (tests compare the two, field by field)."""

    STAND_IN_ID = -982_451_653  # no user has it

    def __init__(self, alias):
        users = get_user_model()._default_manager.using(alias)
        self.query = CompiledObjects(
            alias, users.model, ["membership"], annotations=[IDS_ATTR, UNREAD_ATTR],
            user_id=(users.model._meta.pk, self.STAND_IN_ID),
            build=lambda user_id: with_unread_count(with_scope(users.all())).filter(pk=user_id))

    @classmethod
    @functools.cache
    def compiled(cls, alias):
        return cls(alias)

    def read(self, user_id):
        users = self.query.objects(user_id=user_id)
        return users[0] if users else None
