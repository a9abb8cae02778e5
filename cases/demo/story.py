"""How a demo case is written down: its fields, when it was registered and the steps of
its history (workflow moves, follow-ups, edits of its details, supervision orders),
replayed through the actions by ``replay``, each at its own moment.

Times are counted in days before the day the demo is seeded, so the demo is always "the
last twelve months". A step without ``days_ago`` happens the usual while after the step
before it (``replay.GAPS``); a dated step must not come before the step before it.
"""

# ruff: noqa: RUF001 -- Chinese text takes full-width punctuation (DOMAIN.md, "Language")

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
    days_ago: int | None = None

    @property
    def by_supervisor(self) -> bool:
        return self.name in (T.CLOSE, T.RETURN, T.REOPEN)


@dataclass(frozen=True)
class Follow:
    """A follow-up (`cases.actions.log_follow_up`) done and logged ``days_ago``."""

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
    days_ago: int | None = None


@dataclass(frozen=True)
class Issue:
    """A supervision order (`cases.actions.issue_order`) by the closer, due
    ``due_in_days`` after it is issued."""

    level: str
    instructions: str
    due_in_days: int
    days_ago: int | None = None


@dataclass(frozen=True)
class Answer:
    """The owner acknowledges and answers the case's open supervision order."""

    text: str
    days_ago: int | None = None


@dataclass(frozen=True)
class Accept:
    """The closer closes the case's answered supervision order."""

    note: str
    days_ago: int | None = None


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
    registered: int  # days before the seeding
    address: str = ""
    responsible_unit: str = ""
    lead_official: str = ""
    people_affected: int = 0
    amount_involved: Decimal = Decimal(0)
    target_in_days: int | None = None  # after registration
    details: dict = field(default_factory=dict)
    closer: str | None = None  # the supervisor who closes or sends back, if not the usual
    contact: tuple[str, str, str] = ("", "", "")  # name, resident ID number, phone


VERIFY = Move(T.VERIFY, "经现场核实，情况属实")
CLOSE = Move(T.CLOSE, "经回访核实，化解到位，同意销号")
