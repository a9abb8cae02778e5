"""The sign-in backend: Django's, reading the signed-in user with their scope."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections

from riskdesk.access import IDS_ATTR, with_scope
from riskdesk.db import CompiledQuery
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
    """The query of ``get_user``, written to SQL once per process (riskdesk.db.CompiledQuery),
    not once per request: the ORM built the same query for every request but the user's
    id, and building it (two subqueries and a join) cost a millisecond and a half of CPU,
    more than running it. Each request runs the SQL with its own id and makes the user and
    their membership from the row, as ``select_related`` would (tests compare the two,
    field by field)."""

    STAND_IN_ID = -982_451_653  # no user has it

    def __init__(self, alias):
        from riskdesk.models import Membership

        user_model = get_user_model()
        self.alias = alias
        self.user_model, self.membership_model = user_model, Membership
        self.user_names = [field.attname for field in user_model._meta.concrete_fields]
        self.membership_names = [field.attname for field in Membership._meta.concrete_fields]
        columns = [*self.user_names, *(f"membership__{name}" for name in self.membership_names),
                   IDS_ATTR, UNREAD_ATTR]

        def build(user_id):
            users = with_unread_count(with_scope(user_model._default_manager.using(alias).all()))
            return users.filter(pk=user_id).values_list(*columns)

        self.query = CompiledQuery(alias, build,
                                   user_id=(user_model._meta.pk, self.STAND_IN_ID))

    @classmethod
    @functools.cache
    def compiled(cls, alias):
        return cls(alias)

    def read(self, user_id):
        rows = self.query.rows(user_id=user_id)
        if not rows:
            return None
        row = rows[0]
        split = len(self.user_names)
        end = split + len(self.membership_names)
        user = self.user_model.from_db(self.alias, self.user_names, row[:split])
        membership_row = row[split:end]
        membership = None
        if membership_row[self.membership_names.index("id")] is not None:
            membership = self.membership_model.from_db(
                self.alias, self.membership_names, membership_row)
            self.membership_model._meta.get_field("user").set_cached_value(membership, user)
        # what select_related("membership") leaves: the membership, or None (no query later)
        self.user_model._meta.get_field("membership").set_cached_value(user, membership)
        setattr(user, IDS_ATTR, row[end])
        setattr(user, UNREAD_ATTR, row[end + 1])
        return user
