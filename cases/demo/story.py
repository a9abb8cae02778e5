"""How a demo case is written down: its fields and the steps of its history (workflow
moves, follow-ups, edits of its details), replayed through the actions by ``seeding``."""

from dataclasses import dataclass, field
from decimal import Decimal

from cases.choices import FollowUpMethod, Transition

# The demo's city-wide supervisor: owner or closer where a district has no demo user.
CITY_SUPERVISOR = "city.supervisor"
M = FollowUpMethod
T = Transition


# ---------------------------------------------------------------- what happens to a case
@dataclass(frozen=True)
class Move:
    """A workflow step (`cases.actions.transition`); supervisors' steps by the closer."""

    name: str
    note: str

    @property
    def by_supervisor(self) -> bool:
        return self.name in (T.CLOSE, T.RETURN, T.REOPEN)


@dataclass(frozen=True)
class Follow:
    """A follow-up (`cases.actions.log_follow_up`) dated ``days_ago`` before today."""

    days_ago: int
    method: str
    summary: str
    helped: int = 0
    recovered: Decimal = Decimal(0)
    households: int = 0


@dataclass(frozen=True)
class Edit:
    """A change of the kind details (`cases.actions.update_case`), e.g. a new stage."""

    details: dict


@dataclass
class DemoCase:
    ref: str
    district: str
    category: str
    title: str
    description: str
    risk: str
    source: str
    history: list
    address: str = ""
    responsible_unit: str = ""
    lead_official: str = ""
    people_affected: int = 0
    amount_involved: Decimal = Decimal(0)
    target_in_days: int | None = None  # from today; negative: the target date has passed
    next_due_in_days: int | None = None  # as registered; negative: overdue from the start
    details: dict = field(default_factory=dict)
    closer: str | None = None  # the supervisor who closes or sends back, if not the usual
    contact: tuple[str, str, str] = ("", "", "")  # name, resident ID number, phone


VERIFY = Move(T.VERIFY, "经现场核实,情况属实 / verified on site: the report is accurate")
CLOSE = Move(T.CLOSE, "经回访核实,化解到位,同意销号 / confirmed on a return visit; closed")
