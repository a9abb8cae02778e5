"""The demo risk cases, from the source (the city's 2023 review of its stability work).

`seed(stdout)` is called by `manage.py seed_demo` (through ``CasesConfig.seed_demo``),
inside its transaction, once the districts and demo users exist. It creates the nine
categories of the rolling investigation and the source's cases: the three stalled housing
projects, the Hailuo eco-brick line, the 34 wage-arrears petitions that paid 1,904 workers
49.96 million yuan, a few mass-victim schemes and some open cases, a few of them overdue.

Every case is registered and moved along through the same actions people use
(`cases.actions`), so each has a real history. The follow-ups are dated in the past;
the events are stamped with the time the seed ran.

Idempotent: categories are found by code and cases by their ``source_reference``
(``DEMO-nnn``) within their district; what exists is never touched again.

The package: ``story`` (how a demo case and its history are written), the data in
``housing``, ``wages`` and ``others``, and ``seeding``, which replays them.
"""

from cases.demo.seeding import seed, seed_categories

__all__ = ["seed", "seed_categories"]
