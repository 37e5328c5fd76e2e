"""Shared fixtures: a small city with an office, a leader, three units and their people."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from luoshi.lists import services
from luoshi.lists.models import ResponsibilityList
from luoshi.org.models import ApiToken, Person, Unit

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "secret-pass-123"
# A fixed "now" for tests that pass now= to services: Monday 2026-03-02, 10:00 in Shanghai.
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_two_factors(settings):
    """Tests sign people in with force_login: two factors are off unless a test turns them on
    (tests/org/test_two_factor.py, the fixture two_factors_on)."""
    settings.LUOSHI_TWO_FACTOR_ROLES = []


@pytest.fixture(autouse=True)
def shipped_rows(request):
    """Rows a data migration ships (the finding and problem categories) are gone after a live-server test's flush:
    a test with the database finds them as a fresh install has them."""
    for name in ("db", "transactional_db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            from luoshi.oversight.finding_categories import ensure_shipped
            from luoshi.public import categories

            ensure_shipped()
            categories.ensure_shipped()
            break


@pytest.fixture(autouse=True)
def fresh_cache():
    """The policy is cached; each test starts from the database it sets up."""
    from django.core.cache import cache

    from luoshi.duties.models import Policy
    from luoshi.public import categories
    from luoshi.workdays import calendar

    cache.clear()
    Policy.forget()
    categories.forget()
    calendar.forget()
    yield
    cache.clear()
    Policy.forget()
    calendar.forget()


def make_person(username: str, roles: list[str], unit: Unit | None = None, **extra) -> Person:
    person = Person(username=username, name=extra.pop("name", username), roles=roles, unit=unit, **extra)
    person.set_password(PASSWORD)
    person.save()
    return person


@pytest.fixture
def unit_a(db) -> Unit:
    return Unit.objects.create(name="市工信委", kind="department")


@pytest.fixture
def unit_b(db) -> Unit:
    return Unit.objects.create(name="城关区", kind="district")


@pytest.fixture
def unit_c(db) -> Unit:
    return Unit.objects.create(name="榆中县", kind="district")


@pytest.fixture
def admin(db) -> Person:
    """The system administrator: units, people, settings; no business (三员分立), no superuser flag."""
    return make_person("admin", ["admin"], name="管理员", is_staff=True)


@pytest.fixture
def security(db) -> Person:
    """The security administrator: roles and lockouts."""
    return make_person("security", ["security"], name="安全管理员", is_staff=True)


@pytest.fixture
def auditor(db) -> Person:
    """The auditor: reads the audit trail."""
    return make_person("auditor", ["auditor"], name="审计员")


@pytest.fixture
def office(db) -> Person:
    return make_person("office", ["office"], name="督查室王")


@pytest.fixture
def leader(db, unit_a) -> Person:
    person = make_person("leader", ["leader"], name="李副市长")
    person.supervised_units.add(unit_a)
    return person


@pytest.fixture
def other_leader(db, unit_c) -> Person:
    person = make_person("leader2", ["leader"], name="赵副市长")
    person.supervised_units.add(unit_c)
    return person


@pytest.fixture
def liaison_a(db, unit_a) -> Person:
    return make_person("liaison_a", ["liaison"], unit_a, name="工信委联络员")


@pytest.fixture
def head_a(db, unit_a) -> Person:
    return make_person("head_a", ["unit_head"], unit_a, name="工信委主任")


@pytest.fixture
def liaison_b(db, unit_b) -> Person:
    return make_person("liaison_b", ["liaison"], unit_b, name="城关区联络员")


@pytest.fixture
def outsider(db, unit_c) -> Person:
    """The liaison of a unit that handles none of the fixture lists."""
    return make_person("liaison_c", ["liaison"], unit_c, name="榆中县联络员")


@pytest.fixture
def draft_list(office, leader, unit_a, unit_b) -> ResponsibilityList:
    return services.do_create_list(
        office,
        source="instruction",
        title="推进兰州新区产业园区建设",
        content="按市委要求，年底前完成园区一期建设。",
        leader=leader,
        lead_unit=unit_a,
        co_units=[unit_b],
        deadline=TODAY + timedelta(days=60),
        report_every_days=14,
        milestones=[services.MilestoneInput(TODAY + timedelta(days=30), "完成规划审批")],
        now=NOW,
    )


@pytest.fixture
def published_list(office, draft_list) -> ResponsibilityList:
    return services.do_publish(office, draft_list, now=NOW)


def english(client: Client) -> Client:
    """Pages are Chinese unless the person picked English with the switch (a cookie)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def as_(client):
    """as_(person): the test client, signed in as that person, reading English pages."""

    def login_as(person: Person) -> Client:
        client.force_login(person)
        return english(client)

    return login_as


def login(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


class ApiClient:
    """A test client that sends a real Bearer token of the given person."""

    def __init__(self, person: Person) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {ApiToken.issue(person)}"}

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def put(self, path: str, data=None):
        return self.client.put(f"/api/v1{path}", data or {}, content_type="application/json", headers=self.headers)

    def post(self, path: str, data=None, headers: dict | None = None):
        return self.client.post(
            f"/api/v1{path}",
            data or {},
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )


@pytest.fixture
def api():
    return ApiClient


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.fixture(autouse=True)
def figures_follow_the_facts(request):
    """After every test that writes, the lists' tallies equal a recount from the facts: a write that
    forgets to refresh them fails here, whichever test exercises it. Tests that build rows by hand
    (not through the services) say so with @pytest.mark.figures_by_hand."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    uses_db = transactional or marker is not None or "db" in request.fixturenames
    if not uses_db or request.node.get_closest_marker("figures_by_hand"):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")  # torn down after this check
    yield
    if "errand" not in request.fixturenames:  # the errand fixture checks before its kind is unregistered
        check_figures()


def check_figures() -> None:
    from luoshi.duties import tallies as league
    from luoshi.lists import tallies

    drift = tallies.recount()
    assert drift.clean, f"the figures drifted from the facts: {drift.rows[:5]}, lists {drift.subjects[:10]}"
    drift = league.recount()
    assert drift.clean, f"the league's figures drifted from the reports and steps: {drift.rows[:5]}"
    from luoshi.ledger import rollup
    from luoshi.ledger.models import Ledger

    for ledger_id in Ledger.objects.values_list("pk", flat=True):
        rows = rollup.drift(ledger_id)
        assert not rows, f"the ledger's figures drifted from the facts: {rows[:5]}"
