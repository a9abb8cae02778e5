"""What the dashboard or the work summary is about: a period and the user's districts
(or one of them), with the scoped cases, orders and decisions behind the figures."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from assessments.models import Decision
from cases.models import Case, SupervisionOrder
from drills.models import Drill
from riskdesk.access import scope_of
from riskdesk.models import District
from riskdesk.periods import Period


@dataclass
class Selection:
    """What the dashboard or summary is about: a period and the user's districts, or one."""

    user: object
    period: Period
    today: date
    districts: list  # the districts in the user's scope (active ones)
    district: District | None = None  # the one chosen, if any
    scope: object = field(init=False)

    def __post_init__(self):
        self.scope = scope_of(self.user)

    @classmethod
    def from_query(cls, user, query, today: date | None = None) -> "Selection":
        today = today or timezone.localdate()
        districts = list(District.objects.for_user(user).active())
        chosen = None
        wanted = query.get("district")
        if wanted and len(districts) > 1:
            chosen = next((d for d in districts if str(d.pk) == str(wanted)), None)
        return cls(user=user, period=Period.from_query(query, today), today=today,
                   districts=districts, district=chosen)

    @property
    def base(self) -> dict:
        """The list filters every link carries: the chosen district, if any."""
        return {"district": self.district.pk} if self.district else {}

    @property
    def shown_districts(self) -> list:
        return [self.district] if self.district else self.districts

    def cases(self):
        cases = Case.objects.for_user(self.user)
        return cases.filter(district=self.district) if self.district else cases

    def orders(self):
        orders = SupervisionOrder.objects.for_user(self.user)
        return orders.filter(case__district=self.district) if self.district else orders

    def drills(self):
        drills = Drill.objects.for_user(self.user)
        return drills.filter(district=self.district) if self.district else drills

    def decisions(self):
        decisions = Decision.objects.for_user(self.user)
        return decisions.filter(district=self.district) if self.district else decisions

    @property
    def sees_assessments(self) -> bool:
        return self.scope.is_admin or self.scope.is_supervisor

    def query(self) -> dict:
        return {**self.period.query(), **({"district": self.district.pk} if self.district else {})}
