"""The CAS 3.0 attributes this server releases: the RiskDesk role and districts, kept as
the user's groups ``role:<role>`` and ``district:<code>`` (``casuser`` sets them)."""


def _values(user, prefix):
    return sorted(name.removeprefix(prefix) for name in
                  user.groups.filter(name__startswith=prefix).values_list("name", flat=True))


def riskdesk(user, service):
    return {
        "riskdesk_role": _values(user, "role:"),
        "riskdesk_districts": _values(user, "district:"),
        "email": user.email,
    }
