"""The demo risk cases, from the source (the city's 2023 review of its stability work).

`seed(stdout)` is called by `manage.py seed_demo` (through ``CasesConfig.seed_demo``),
inside its transaction, once the districts and demo users exist. It creates the nine
categories of the rolling investigation and the source's cases: the three stalled housing
projects, the Hailuo eco-brick line, the 34 wage-arrears petitions that paid 1,904 workers
49.96 million yuan, a few mass-victim schemes and some open cases, a few of them overdue.

The demo replays the last twelve months: every case is registered on its day and moved
along through the same actions people use (`cases.actions`), each step at its own moment
(``clock.frozen_at``), so each has a real history dated as it happened: registrations,
follow-ups, resolutions, supervision orders and what the nightly escalation job did to
cases left overdue. The texts are Chinese only, as a district's clerks would write them.

Idempotent: categories are found by code and cases by their ``source_reference``
(``DEMO-nnn``) within their district; what exists is never touched again.

The package: ``story`` (how a demo case and its history are written), the data in
``housing``, ``wages`` and ``others``, ``replay`` and ``clock`` (one case's history at its
moments) and ``seeding`` (all of them, once).
"""

from cases.demo.seeding import seed, seed_categories

__all__ = ["seed", "seed_categories"]
