import io

import pytest
from django.core.management import CommandError, call_command

from assessments.choices import AgencyStatus
from assessments.models import AgencyMember
from tests.assessments.conftest import make_agency


@pytest.fixture(autouse=True)
def _password_on_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n" * 5))


def adduser(*args):
    out = io.StringIO()
    call_command("adduser", *args, "--password-stdin", stdout=out)
    return out.getvalue()


def test_adduser_links_an_assessor_to_an_approved_agency(agency):
    adduser("sun.ping", "--role", "assessor", "--agency", agency.credit_code.lower())
    assert AgencyMember.objects.get(user__username="sun.ping").agency == agency


def test_adduser_refuses_an_unknown_or_unapproved_agency_and_creates_nothing(db):
    pending = make_agency("91110000802100433B", status=AgencyStatus.SUBMITTED, valid_days=None)
    with pytest.raises(CommandError, match="only an approved"):
        adduser("sun.ping", "--role", "assessor", "--agency", pending.credit_code)
    with pytest.raises(CommandError, match="No agency"):
        adduser("sun.ping", "--role", "assessor", "--agency", "91350100M000100Y43")
    with pytest.raises(CommandError, match="Only an assessor"):
        adduser("sun.ping", "--role", "staff", "--agency", pending.credit_code)
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="sun.ping").exists()


def test_an_assessor_has_no_districts(district):
    with pytest.raises(CommandError, match="no district"):
        adduser("sun.ping", "--role", "assessor", "--district", "kundulun")
