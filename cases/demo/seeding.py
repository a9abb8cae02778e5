"""Seeding: the nine categories, then each demo case registered and replayed through the
actions by the district's demo users, each step at its moment (``replay``); what exists
already is left alone."""

from collections import Counter

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases import actions
from cases.choices import CategoryKind
from cases.demo.housing import housing_cases
from cases.demo.others import other_cases
from cases.demo.replay import NightlySweep, Timeline, play
from cases.demo.story import CITY_SUPERVISOR, Accept, Answer, DemoCase, Issue, Move
from cases.demo.wages import wage_cases
from cases.models import Case, Category
from riskdesk.choices import Role
from riskdesk.models import District

# code, English name, Chinese name, kind, sort order. The source names the first three
# ("房地产领域、拖欠农民工工资、涉众型经济案件等9大类"); the other six are the usual ones.
CATEGORIES = [
    ("real-estate", "Real estate", "房地产领域", CategoryKind.REAL_ESTATE, 1),
    ("wage-arrears", "Unpaid migrant-worker wages", "拖欠农民工工资",
     CategoryKind.WAGE_ARREARS, 2),
    ("mass-victim", "Mass-victim economic cases", "涉众型经济案件", CategoryKind.MASS_VICTIM, 3),
    ("land", "Land acquisition and demolition", "征地拆迁", CategoryKind.GENERAL, 4),
    ("environment", "Environmental pollution", "生态环境", CategoryKind.GENERAL, 5),
    ("labour", "Labour and social security disputes", "劳动社保", CategoryKind.GENERAL, 6),
    ("education-medical", "Education and medical disputes", "教育医疗",
     CategoryKind.GENERAL, 7),
    ("veterans", "Veterans' affairs", "退役军人", CategoryKind.GENERAL, 8),
    ("enterprise", "Enterprise restructuring and investment projects", "企业改制与项目落地",
     CategoryKind.GENERAL, 9),
]


def demo_cases() -> list[DemoCase]:
    return [*housing_cases(), *wage_cases(), *other_cases()]


# ---------------------------------------------------------------- seeding
def seed_categories() -> tuple[dict[str, Category], int]:
    categories, created = {}, 0
    for code, name_en, name_zh, kind, order in CATEGORIES:
        category, was_created = Category.objects.get_or_create(
            code=code,
            defaults={"name_en": name_en, "name_zh": name_zh, "kind": kind, "sort_order": order},
        )
        categories[code] = category
        created += was_created
    return categories, created


class People:
    """The demo users who work on a district's cases, found once per district."""

    def __init__(self):
        self.users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
        self._eligible = {}

    def _eligible_for(self, district):
        if district.pk not in self._eligible:
            self._eligible[district.pk] = {
                user.username: user.membership.role
                for user in actions.eligible_owners(district.pk).select_related("membership")
            }
        return self._eligible[district.pk]

    def owner(self, district):
        """The district's demo staff member, else the city supervisor."""
        eligible = self._eligible_for(district)
        for username in (f"{district.code}.staff", CITY_SUPERVISOR):
            if username in eligible:
                return self.users[username]
        return None

    def closer(self, district, preferred=None):
        """A supervisor covering the district: its own, else the city supervisor."""
        eligible = self._eligible_for(district)
        for username in (preferred, f"{district.code}.supervisor", CITY_SUPERVISOR):
            if username and eligible.get(username) == Role.SUPERVISOR:
                return self.users[username]
        return None


def seed(stdout) -> None:
    categories, new_categories = seed_categories()
    districts = {district.code: district for district in District.objects.all()}
    existing = set(
        Case.objects.exclude(source_reference="").values_list(
            "district__code", "source_reference"
        )
    )
    people = People()
    sweep = NightlySweep(Timeline(timezone.now()))
    created, skipped = Counter(), []
    for demo in demo_cases():
        district = districts.get(demo.district)
        if district is None:
            skipped.append(demo.ref)
            continue
        if (demo.district, demo.ref) in existing:
            continue
        owner = people.owner(district)
        closer = people.closer(district, demo.closer)
        needs_closer = any(isinstance(s, (Issue, Accept)) or (isinstance(s, Move)
                           and s.by_supervisor) for s in demo.history)
        answers = any(isinstance(s, Answer) for s in demo.history)  # staff answer orders
        if owner is None or (needs_closer and closer is None) or (
            answers and owner.username != f"{district.code}.staff"
        ):
            skipped.append(demo.ref)  # the demo users were changed: leave this one out
            continue
        play(demo, category=categories[demo.category], district=district, owner=owner,
             closer=closer, sweep=sweep)
        created[demo.district] += 1
    where = ", ".join(f"{code} {n}" for code, n in sorted(created.items()))
    line = (
        f"Cases demo: {new_categories} new categories, {sum(created.values())} new cases"
        f"{f' ({where})' if where else ''}"
    )
    if skipped:
        line += f"; skipped (district or demo user missing): {', '.join(skipped)}"
    stdout.write(line + ".")
