"""Use cases of the core app: creating users with a role and their districts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from riskdesk.access import forget_scope
from riskdesk.choices import Role
from riskdesk.models import District, Membership
from riskdesk.signin import username_key


def resolve_districts(codes):
    """District rows for the given codes, refusing unknown or inactive ones by name."""
    codes = list(dict.fromkeys(codes))  # keep order, drop repeats
    found = {d.code: d for d in District.objects.filter(code__in=codes, is_active=True)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        known = ", ".join(District.objects.active().values_list("code", flat=True))
        raise ValidationError(
            _("Unknown district code: %(codes)s. Known codes: %(known)s.")
            % {"codes": ", ".join(unknown), "known": known or "-"}
        )
    return [found[code] for code in codes]


def check_membership(role, districts, city_wide):
    """The rules a membership must satisfy, with a message for each refusal.

    ``districts`` is any sequence of districts or district codes (only its length counts).
    """
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role %(role)s: use staff, supervisor or admin.") % {"role": role}
        )
    if role == Role.STAFF and len(districts) != 1:
        raise ValidationError(_("A staff member belongs to exactly one district."))
    if role == Role.INTEGRATION and len(districts) != 1:
        raise ValidationError(_("An integration account belongs to exactly one district."))
    if role in (Role.STAFF, Role.INTEGRATION) and city_wide:
        raise ValidationError(_("Only a supervisor can cover the whole city."))
    if role == Role.SUPERVISOR and not city_wide and not districts:
        raise ValidationError(
            _("A supervisor needs at least one district, or the whole city.")
        )
    if role == Role.SUPERVISOR and city_wide and districts:
        raise ValidationError(_("Choose either the whole city or a list of districts."))
    if role == Role.ADMIN and (districts or city_wide):
        raise ValidationError(_("An administrator sees every district: give no districts."))
    if role == Role.ASSESSOR and (districts or city_wide):
        raise ValidationError(
            _("An assessor works for an agency and sees no district's data: give no districts.")
        )


def check_username_free(username, *, exclude_pk=None):
    """Refuse a user name whose key (``riskdesk.signin.username_key``) is another user's:
    ``\uff4fwner.staff`` (a full-width o) or ``Owner.Staff`` next to ``owner.staff``.

    The key is NFKC and casefolding, which no portable index expresses: the few hundred
    user names are compared here, before any row is written."""
    key = username_key(username)
    others = get_user_model().objects.exclude(pk=exclude_pk).values_list("username", flat=True)
    for existing in others:
        if username_key(existing) == key:
            raise ValidationError(
                _("The user name %(name)s is too like the existing user name %(existing)s: "
                  "choose another.") % {"name": username, "existing": existing},
                code="look_alike",
            )


@transaction.atomic
def save_user(
    username, *, role, district_codes=(), city_wide=False, password=None, email=None,
    full_name=None,
):
    """Create or update a user with its membership. Returns (user, created).

    Raises ``ValidationError`` and changes nothing when the combination is not allowed.
    """
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ValidationError(_("A user name is required."))
    check_membership(role, list(district_codes), city_wide)  # before touching the database
    districts = resolve_districts(district_codes)
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        if not password:
            raise ValidationError(_("A new user needs a password."))
        check_username_free(username)
        user = User(username=username)
    if email is not None:
        user.email = email
    if full_name is not None:
        user.first_name = full_name
    if password:
        validate_password(password, user)
        user.set_password(password)
    # Django's admin site is for administrators, with every permission it knows.
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.is_active = True
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # On PostgreSQL a unique index keeps look-alikes apart (riskdesk migration 0006):
        # a look-alike written at the same moment is now there to be named.
        check_username_free(username, exclude_pk=user.pk)
        raise
    apply_membership(user, role, districts, city_wide)
    return user, created


def apply_membership(user, role, districts, city_wide):
    """Give ``user`` this role and these districts (checked by ``check_membership`` and
    ``resolve_districts`` first): the one place a membership is written."""
    membership, _created = Membership.objects.update_or_create(
        user=user, defaults={"role": role, "city_wide": city_wide}
    )
    membership.districts.set(districts)
    forget_scope(user)
