"""The drills' figures for the dashboard and the work summary: one query."""

from riskdesk.figures import Figure, filtered_url


def period_drills(drills, *, period, base: dict) -> dict:
    """Drills held in ``period`` (already scoped) and their participants, each linking to
    the drill list behind it."""
    totals = drills.in_period(period).order_by().totals()
    url = filtered_url("drills:list", base, **period.params("date"))
    return {"count": Figure(totals["count"], url),
            "participants": Figure(totals["participants"], url)}
