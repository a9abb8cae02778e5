from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from riskdesk.access import ScopedQuerySet
from riskdesk.choices import Role


class DistrictQuerySet(ScopedQuerySet):
    district_field = "pk"

    def active(self):
        return self.filter(is_active=True)


class District(models.Model):
    """A district, banner or county (区/旗/县) of the city: the unit of data scope."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class Membership(models.Model):
    """A user's role and the districts whose data they may see.

    Staff belong to exactly one district; a supervisor has a set of districts or the whole
    city; an admin sees everything. The rules that span the many-to-many relation are
    enforced by ``riskdesk.actions.set_membership``; the row itself is constrained here.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    city_wide = models.BooleanField(
        _("whole city"), default=False, help_text=_("Supervisors only: every district.")
    )
    districts = models.ManyToManyField(
        District, blank=True, related_name="memberships", verbose_name=_("districts")
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_city_wide_only_supervisors",
                condition=Q(city_wide=False) | Q(role=Role.SUPERVISOR),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_role_valid",
                condition=Q(role__in=Role.values),
            ),
        ]

    def __str__(self):
        return f"{self.user.get_username()} ({self.get_role_display()})"
