"""Links between cases that are one problem, or parts of one: the same project, the same
employer, or a case reported twice (``duplicate_of``)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import LinkKind
from cases.models.cases import Case
from riskdesk.access import ScopedQuerySet


class CaseLinkQuerySet(ScopedQuerySet):
    district_field = "from_case__district"

    def current(self):
        return self.filter(removed_at__isnull=True)

    def of(self, case):
        """The case's current links, whichever end it is."""
        return self.current().filter(Q(from_case=case) | Q(to_case=case))


class CaseLink(models.Model):
    """``from_case`` is linked to ``to_case`` (``duplicate_of``: from is the duplicate).

    A link is never deleted: removing it stamps ``removed_at``/``removed_by`` and writes
    an event on both cases. One current link per pair and kind."""

    from_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links_from",
                                  verbose_name=_("case"))
    to_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links_to",
                                verbose_name=_("linked case"))
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("removed by"))

    objects = CaseLinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case link")
        verbose_name_plural = _("case links")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_not_to_itself",
                condition=~Q(from_case=F("to_case")),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_kind_valid", condition=Q(kind__in=LinkKind.values)
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_removed_with_who",
                condition=Q(removed_at__isnull=True) | Q(removed_by__isnull=False),
            ),
            # one current link per pair and kind (a removed one may be made again)
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_current",
                fields=["from_case", "to_case", "kind"], condition=Q(removed_at__isnull=True),
            ),
        ]
        indexes = [
            # a case page's links and the cluster page, from either end
            models.Index(name="cases_caselink_to_case", fields=["to_case"],
                         condition=Q(removed_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.from_case_id} {self.kind} {self.to_case_id}"

    def other(self, case):
        return self.to_case if self.from_case_id == case.pk else self.from_case
