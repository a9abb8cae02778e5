"""Clusters: groups of cases joined by links (connected components), e.g. every site of
one employer, with the workers and wages owed of their wage cases counted once.

Two queries whatever the number of links or cases: the links among the user's cases,
then those cases. Both ends of a link must be in the user's scope, so a district
supervisor's clusters hold only their districts' cases."""

from dataclasses import dataclass, field
from decimal import Decimal

from cases.choices import CategoryKind
from cases.models import Case, CaseLink


@dataclass
class Cluster:
    cases: list = field(default_factory=list)
    workers: int = 0
    wages_owed: Decimal = Decimal(0)
    employers: list = field(default_factory=list)

    @property
    def districts(self) -> list:
        return sorted({case.district.name for case in self.cases})


def _components(pairs) -> list[set]:
    parent = {}

    def root(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups = {}
    for node in parent:
        groups.setdefault(root(node), set()).add(node)
    return list(groups.values())


def clusters_for(user) -> list[Cluster]:
    scoped = Case.objects.for_user(user)
    pairs = list(
        CaseLink.objects.current()
        .filter(from_case__in=scoped.values("pk"), to_case__in=scoped.values("pk"))
        .order_by().values_list("from_case_id", "to_case_id")
    )
    groups = _components(pairs)
    cases = scoped.filter(pk__in={pk for group in groups for pk in group}).select_related(
        "district", "category", "wage_arrears").order_by("district__code", "reference")
    by_id = {case.pk: case for case in cases}
    clusters = []
    for group in groups:
        cluster = Cluster(cases=[by_id[pk] for pk in sorted(group) if pk in by_id])
        employers = set()
        for case in cluster.cases:
            if case.category.kind != CategoryKind.WAGE_ARREARS:
                continue
            wages = getattr(case, "wage_arrears", None)  # None when it has no details
            if wages is not None:
                employers.add(wages.employer)
            if case.merged_into_id is None:  # a merged duplicate's figures are its survivor's
                cluster.workers += case.people_affected
                cluster.wages_owed += case.amount_involved
        cluster.employers = sorted(employers)
        clusters.append(cluster)
    clusters.sort(key=lambda cluster: (-len(cluster.cases), cluster.cases[0].reference))
    return clusters
