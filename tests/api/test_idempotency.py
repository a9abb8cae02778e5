"""Retrying safely: the Idempotency-Key header and the source reference, also at once."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from api import tokens
from api.models import IdempotencyKey
from api.tasks import forget_idempotency_keys
from cases.models import Case, CaseEvent
from tests.api.conftest import forget_requests
from tests.api.test_case_writes import CASES, HOTLINE, post


def keyed(client, body, key, url=CASES):
    return post(client, url, body, HTTP_IDEMPOTENCY_KEY=key)


def test_the_same_key_and_body_replays_the_first_answer(api_for, owner, categories):
    # given a case registered with a key
    client = api_for(owner)
    body = {k: v for k, v in HOTLINE.items() if k != "source_reference"}
    first = keyed(client, body, "call-0042")
    assert first.status_code == 201
    # when the hotline sends it again with the same key
    again = keyed(client, body, "call-0042")
    # then it gets the same answer, marked replayed, and nothing more is made
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422(api_for, owner, categories):
    client = api_for(owner)
    keyed(client, HOTLINE, "call-0042")
    response = keyed(client, {**HOTLINE, "title": "Something else"}, "call-0042")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]


def test_a_key_is_forgotten_after_24_hours(api_for, owner, categories):
    client = api_for(owner)
    body = {k: v for k, v in HOTLINE.items() if k != "source_reference"}
    keyed(client, body, "call-0042")
    IdempotencyKey.objects.update(created_at=IdempotencyKey.objects.get().created_at
                                  - timedelta(hours=24, seconds=1))
    assert keyed(client, body, "call-0042").status_code == 201
    assert Case.objects.count() == 2 and IdempotencyKey.objects.count() == 1


def test_keys_are_per_user(api_for, owner, colleague, categories):
    body = {k: v for k, v in HOTLINE.items() if k != "source_reference"}
    assert keyed(api_for(owner), body, "k-1").status_code == 201
    assert keyed(api_for(colleague), body, "k-1").status_code == 201
    assert Case.objects.count() == 2


def test_a_refused_request_keeps_no_answer(api_for, owner, categories):
    client = api_for(owner)
    assert keyed(client, {**HOTLINE, "title": ""}, "k-1").status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert keyed(client, {**HOTLINE, "title": ""}, "k-1").status_code == 400


def test_a_step_is_not_taken_twice(api_for, owner, case):
    client = api_for(owner)
    url = f"{CASES}{case.reference}/transitions/"
    answers = [keyed(client, {"name": "verify", "note": "ok"}, "step-1", url) for _ in "12"]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert case.events.filter(kind="transition").count() == 1


def test_an_overlong_key_is_a_400(api_for, owner, categories):
    response = keyed(api_for(owner), HOTLINE, "k" * 256)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()


# ---------------------------------------------------------------- at once, on PostgreSQL
def at_once(user, bodies_and_headers):
    """Send the requests from threads at the same moment (each its own connection)."""
    answers, start = [None] * len(bodies_and_headers), threading.Barrier(len(bodies_and_headers))
    _token, key = tokens.issue(user, name="hotline")
    tokens.touch(_token)  # used before: its first use's write would queue the two requests

    def send(index, body, headers):
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
            start.wait()
            answers[index] = post(client, CASES, body, **headers)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i, body, headers))
               for i, (body, headers) in enumerate(bodies_and_headers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    forget_requests(f"token-{_token.pk}")
    return sorted(answer.status_code for answer in answers)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_source_reference_twice_at_once_makes_one_case(owner, categories):
    for attempt in range(3):
        body = {**HOTLINE, "source_reference": f"12345-at-once-{attempt}"}
        assert at_once(owner, [(body, {}), (body, {})]) == [200, 201]
    assert Case.objects.count() == 3 and CaseEvent.objects.count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_key_twice_at_once_makes_one_case(owner, categories):
    body = {k: v for k, v in HOTLINE.items() if k != "source_reference"}
    headers = {"HTTP_IDEMPOTENCY_KEY": "call-at-once"}
    assert at_once(owner, [(body, headers), (body, headers)]) == [201, 201]
    assert Case.objects.count() == 1 and IdempotencyKey.objects.count() == 1


def test_the_hourly_sweep_forgets_keys_older_than_24_hours(api_for, owner, categories):
    client = api_for(owner)
    body = {k: v for k, v in HOTLINE.items() if k != "source_reference"}
    keyed(client, body, "old")
    keyed(client, body, "new")
    IdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=25))
    assert forget_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
