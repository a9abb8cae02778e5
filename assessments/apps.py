from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Major-decision assessments")

    def navigation(self, scope):
        from django.urls import reverse

        from riskdesk.choices import Role
        from riskdesk.context_processors import NavItem

        items = []
        if scope.role in (Role.STAFF, Role.SUPERVISOR, Role.ADMIN, Role.ASSESSOR):
            label = _("Assignments") if scope.role == Role.ASSESSOR else _("Decisions")
            items.append(NavItem(label, reverse("decisions:list"), "decisions"))
        if scope.role in (Role.SUPERVISOR, Role.ADMIN, Role.ASSESSOR):
            items.append(NavItem(_("Agencies"), reverse("agencies:list"), "agencies"))
        if scope.role is not None:
            items.append(NavItem(_("Trainings"), reverse("trainings:list"), "trainings"))
        return items

    def link_agency_member(self, user, code):
        """``adduser --role assessor --agency CODE``: the user works for that agency."""
        from assessments.actions import link_member_by_code

        link_member_by_code(user, code)

    def seed_demo(self, stdout):
        from assessments.demo import seed

        seed(stdout=stdout)
