"""Two web nodes behind haproxy, two workers and two beats (tests/multinode/cluster.py):
what one node counts, claims or keeps holds on the other, and a node that dies loses no
request the proxy can send again, and no save."""

import email
import email.policy
import json
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.factories import PASSWORD
from tests.storage import s3server

TIMEOUT = 30  # seconds for one HTTP request

SETUP = """
import json
from api import tokens
from cases.choices import CategoryKind
from cases.models import Category
from tests.factories import DistrictFactory, make_user

Category.objects.create(code="wage-arrears", name_en="Unpaid wages", name_zh="拖欠工资",
                        kind=CategoryKind.WAGE_ARREARS, sort_order=1)
people = {}
for code in ("signin", "dash", "api", "load", "remind"):
    district = DistrictFactory(code=code, name_en=f"{code.title()} District",
                               name_zh=f"{code}区")
    people[code] = make_user(f"{code}.staff", "staff", district)
make_user("dash.supervisor", "supervisor", DistrictFactory._meta.model.objects.get(
    code="dash"))
keys = {code: tokens.issue(people[code], name="multinode")[1]
        for code in ("dash", "api", "load")}
print(json.dumps(keys))
"""

DUE_CASES = """
from datetime import timedelta
from django.db import transaction
from django.contrib.auth import get_user_model
from django.utils import timezone
from cases.actions import register_case
from cases.choices import RiskLevel, Source
from cases.models import Case, Category

owner = get_user_model().objects.get(username="remind.staff")
category = Category.objects.get(code="wage-arrears")
with transaction.atomic():
    for number in range({count}):
        register_case(user=owner, case=Case(
            title=f"Wages owed at site {{number}}", category=category,
            district=owner.membership.districts.get(), risk_level=RiskLevel.HIGH,
            source=Source.ROLLING, owner=owner, people_affected=10))
    Case.objects.filter(owner=owner).update(
        next_follow_up_due=timezone.localdate() - timedelta(days=1))
"""

FOLLOW_UP_KINDS = ("follow_up_due", "follow_up_overdue")


@pytest.fixture(scope="module")
def keys(cluster):
    """Districts, users and API tokens in the cluster's database: {district code: token}."""
    return json.loads(cluster.manage("shell", "-c", SETUP).strip().splitlines()[-1])


def form_token(session, url) -> str:
    page = session.get(url, timeout=TIMEOUT)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def sign_in(session, base, username, password):
    token = form_token(session, f"{base}/accounts/login/")
    return session.post(f"{base}/accounts/login/", timeout=TIMEOUT, data={
        "username": username, "password": password, "csrfmiddlewaretoken": token})


def signed_in(base, username) -> requests.Session:
    session = requests.Session()
    answer = sign_in(session, base, username, PASSWORD)
    assert answer.status_code == 200 and "sessionid" in session.cookies, answer.text[:500]
    return session


def api(key) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {key}"
    return session


def new_case(title, **extra) -> dict:
    return {"title": title, "category": "wage-arrears", "risk_level": "medium",
            "source": "hotline", "people_affected": 3,
            "wage_arrears": {"employer": "Jinyu Construction"}, **extra}


# ---------------------------------------------------------------- limits and throttles
def test_sign_in_failures_alternating_between_nodes_lock_the_pair_after_five(cluster, keys):
    a, b = cluster.node_urls
    session = requests.Session()
    # given five wrong passwords, sent to node A and node B in turn
    for attempt in range(5):
        answer = sign_in(session, (a, b)[attempt % 2], "signin.staff", "wrong password")
        assert "Please enter a correct" in answer.text, answer.text[:500]
    # when the right password comes, on either node
    for node in (a, b):
        answer = sign_in(requests.Session(), node, "signin.staff", PASSWORD)
        # then both refuse it with the wait message: the five were counted together
        assert "Too many failed sign-ins for this user name from your address" in answer.text
        assert "sessionid" not in answer.cookies


def test_the_public_forms_limit_holds_across_nodes(cluster, keys):
    a, b = cluster.node_urls
    session = requests.Session()
    answers = []
    # when one address sends applications to node A and node B in turn
    for attempt in range(7):
        node = (a, b)[attempt % 2]
        token = form_token(session, f"{node}/agencies/apply/")
        answers.append(session.post(f"{node}/agencies/apply/", timeout=TIMEOUT, data={
            "csrfmiddlewaretoken": token, "name": f"Agency {attempt}"}).status_code)
    # then the limit (5 an hour) counted them together: the sixth and seventh are refused
    assert 429 not in answers[:5], answers
    assert answers[5:] == [429, 429], answers


def test_the_api_limit_is_counted_once_for_all_nodes(cluster, keys):
    a, b = cluster.node_urls
    client = api(keys["api"])
    # given 100 requests a minute per token, all used, on node A and node B in turn
    answers = [client.get(f"{(a, b)[n % 2]}/api/v1/categories/", timeout=TIMEOUT).status_code
               for n in range(100)]
    assert set(answers) == {200}
    # when the token asks once more, on either node, then it must wait
    for node in (a, b):
        refused = client.get(f"{node}/api/v1/categories/", timeout=TIMEOUT)
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0


# ---------------------------------------------------------------- one cache
def open_cases(session, node) -> int:
    page = session.get(f"{node}/dashboard/", timeout=TIMEOUT)
    assert page.status_code == 200, page.text[:500]
    found = re.search(r'kpi__value">([\d,]+)</span><span class="kpi__label">Open cases<',
                      page.text)
    return int(found.group(1).replace(",", ""))


def test_a_case_registered_through_node_a_is_on_node_bs_dashboard_within_the_cache_time(
        cluster, keys):
    a, b = cluster.node_urls
    seconds = int(cluster.env["DASHBOARD_CACHE_SECONDS"])
    supervisor = signed_in(a, "dash.supervisor")
    # given the supervisor's dashboard, computed on node A
    before = open_cases(supervisor, a)
    shown_at = time.monotonic()
    # when a case of their district is registered through node A's API
    answer = api(keys["dash"]).post(f"{a}/api/v1/cases/", json=new_case("Dashboard case"),
                                    timeout=TIMEOUT)
    assert answer.status_code == 201, answer.text
    # then node B serves the figures node A kept (one cache: both nodes show the same)...
    on_b = open_cases(supervisor, b)
    if time.monotonic() - shown_at < seconds - 1:
        assert on_b == before
    # ...and both show the new case once the cache's time has passed
    deadline = shown_at + seconds + 5
    while open_cases(supervisor, b) != before + 1:
        assert time.monotonic() < deadline, f"node B still shows {before} open cases"
        time.sleep(0.5)
    assert open_cases(supervisor, a) == before + 1


# ---------------------------------------------------------------- shared files
def test_a_file_uploaded_through_node_a_downloads_through_node_b_byte_for_byte(
        cluster, keys, object_store):
    a, b = cluster.node_urls
    client = api(keys["dash"])  # the "api" token may have used its minute's requests
    case = client.post(f"{a}/api/v1/cases/", json=new_case("Site with a signed list"),
                       timeout=TIMEOUT)
    assert case.status_code == 201, case.text
    reference = case.json()["reference"]
    content = b"%PDF-1.4\n" + uuid.uuid4().bytes * 4000 + b"\n%%EOF\n"
    # given a file uploaded through node A
    uploaded = client.post(f"{a}/api/v1/cases/{reference}/attachments/", timeout=TIMEOUT,
                           files={"file": ("wage-list.pdf", content, "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text
    download = f"/api/v1/cases/{reference}/attachments/{uploaded.json()['id']}/download/"
    # then node B gives it back byte for byte: it is in the shared store, not on A's disk
    answer = client.get(f"{b}{download}", timeout=TIMEOUT)
    assert answer.status_code == 200 and answer.content == content
    endpoint, bucket = object_store
    assert any(s3server.Bucket(endpoint, bucket).read(key) == content
               for key in s3server.Bucket(endpoint, bucket).objects())
    # and another district's token gets 404 on both nodes
    for node in (a, b):
        assert api(keys["load"]).get(f"{node}{download}", timeout=TIMEOUT).status_code == 404


# ---------------------------------------------------------------- two beats
def reminder_mails(cluster) -> int:
    """Follow-up reminder e-mails to remind.staff in the file backend's folder (one file
    per connection, messages separated by a line of 79 dashes)."""
    count = 0
    for path in cluster.mail_folder.glob("*.log"):
        for raw in path.read_text(errors="replace").split("\n" + "-" * 79 + "\n"):
            if not raw.strip():
                continue
            message = email.message_from_string(raw, policy=email.policy.default)
            if (message["To"] == "remind.staff@example.invalid"
                    and "the follow-up due on" in (message["Subject"] or "")):
                count += 1
    return count


def reminder_notices(cluster) -> int:
    return cluster.sql(
        "SELECT count(*) FROM riskdesk_notification n JOIN auth_user u ON u.id = n.user_id "
        "WHERE u.username = 'remind.staff' AND n.kind IN %s", [FOLLOW_UP_KINDS])[0][0]


def test_two_beats_and_two_workers_send_each_of_300_due_reminders_once(cluster, keys):
    sweep = int(cluster.env["SWEEP_SECONDS"])
    # given two beats firing the reminder sweep every few seconds, and two workers
    assert all(process.alive() for process in cluster.beats + cluster.workers)
    # when 300 cases' follow-ups fall due at once
    cluster.manage("shell", "-c", DUE_CASES.format(count=300), timeout=300)
    # then 300 notices and 300 e-mails are made...
    deadline = time.monotonic() + 120
    while (reminder_notices(cluster), reminder_mails(cluster)) != (300, 300):
        assert time.monotonic() < deadline, (
            f"{reminder_notices(cluster)} notices, {reminder_mails(cluster)} e-mails\n"
            + cluster.logs())
        time.sleep(1)
    # ...and no more, however many sweeps both beats send afterwards
    time.sleep(2 * sweep)
    assert (reminder_notices(cluster), reminder_mails(cluster)) == (300, 300)
    assert cluster.sql("SELECT count(*) FROM riskdesk_notification n JOIN auth_user u "
                       "ON u.id = n.user_id WHERE u.username = 'remind.staff' "
                       "AND n.email_status <> 'sent' AND n.kind IN %s",
                       [FOLLOW_UP_KINDS])[0][0] == 0
    assert all(process.alive() for process in cluster.beats + cluster.workers)


# ---------------------------------------------------------------- a node dies
def test_killing_a_node_mid_load_loses_no_retryable_request_and_no_save(cluster, keys):
    proxy = cluster.proxy_url
    reader = signed_in(proxy, "load.staff")
    writer = api(keys["load"])
    gets, posts = 200, 50
    done = []
    lock = threading.Lock()
    killed = threading.Event()
    retried_before = cluster.proxy_retries()

    def count():
        with lock:
            done.append(1)
            if len(done) == 60 and not killed.is_set():
                killed.set()
                cluster.kill(0)  # SIGKILL: node A's master and workers, mid-request

    def get(_n):
        try:
            return reader.get(f"{proxy}/cases/", timeout=TIMEOUT).status_code
        except requests.RequestException as error:
            return repr(error)
        finally:
            count()

    def post(n):
        """One registration; a client that got no answer sends it again with the same
        Idempotency-Key (as the API's documentation says), so it is saved once."""
        key, body = str(uuid.uuid4()), new_case(f"Load case {n}")
        answers = []
        for _try in range(3):
            try:
                answer = writer.post(f"{proxy}/api/v1/cases/", json=body, timeout=TIMEOUT,
                                     headers={"Idempotency-Key": key})
                answers.append(answer.status_code)
                if answer.status_code in (200, 201):
                    return answers, answer.json()["reference"]
            except requests.RequestException as error:
                answers.append(repr(error))
            time.sleep(0.5)
        return answers, None

    def posted(n):
        try:
            return post(n)
        finally:
            count()

    # when 200 GETs and 50 POSTs go through the proxy, mixed, and node A dies after 60
    with ThreadPoolExecutor(max_workers=4) as pool:
        get_futures, post_futures = [], []
        for n in range(gets):
            get_futures.append(pool.submit(get, n))
            if n % 4 == 3:
                post_futures.append(pool.submit(posted, n // 4))
        get_answers = [future.result() for future in get_futures]
        post_answers = [future.result() for future in post_futures]
    try:
        # (node A died while requests went on: the proxy sent some again)
        assert killed.is_set() and cluster.proxy_retries() > retried_before
        # then every GET was answered (those on node A sent again to node B)...
        assert get_answers == [200] * gets, get_answers
        # ...every registration answered with success is saved, each exactly once
        saved = [reference for _answers, reference in post_answers if reference]
        assert len(saved) == posts, [answers for answers, _ref in post_answers]
        rows = cluster.sql("SELECT reference FROM cases_case WHERE title LIKE 'Load case %%'")
        assert sorted(row[0] for row in rows) == sorted(saved)
    finally:
        cluster.restart(0)
    assert requests.get(f"{cluster.node_urls[0]}/healthz", timeout=TIMEOUT).status_code == 200
