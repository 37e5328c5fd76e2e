"""三员分立 (issue 9): the system administrator (units, people, settings), the security administrator (roles,
two factors, lockouts) and the auditor (the audit trail) are three people, and none of them touches the
business, which is the office's. Every API operation of the OpenAPI document and every page is in a table
of who may use it, checked for the four roles; two privileged roles on one person are refused everywhere."""

from contextlib import suppress

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.ledger import services as ledger_services
from luoshi.org import services
from luoshi.org.models import ApiToken, Person
from luoshi.public.models import Category
from tests.conftest import make_person

ROLES = ("admin", "security", "auditor", "office")
EVERYONE = frozenset(ROLES)
ADMIN, SECURITY, AUDITOR, OFFICE = (frozenset([r]) for r in ROLES)
NOBODY: frozenset[str] = frozenset()  # a unit's or a leader's act: none of these four

# Who of the four may use each operation. "Allowed" is any answer but 401 and 403 (e.g. 400 for the empty
# body most writes are sent here, 409 for a step the list's state does not allow); "refused" is 403.
API = {
    "GET /api/v1/units": EVERYONE,
    "POST /api/v1/units": ADMIN,
    "PUT /api/v1/units/{unit_id}/aliases": ADMIN,
    "GET /api/v1/people": EVERYONE,
    "POST /api/v1/people": ADMIN,
    "PUT /api/v1/people/{person_id}/roles": SECURITY,
    "POST /api/v1/people/{person_id}/disable": ADMIN,
    "POST /api/v1/people/{person_id}/enable": ADMIN,
    "POST /api/v1/people/{person_id}/two-factor/reset": SECURITY,
    "GET /api/v1/audit": AUDITOR,
    "GET /api/v1/audit/verify": AUDITOR,
    "GET /api/v1/me/tokens": EVERYONE,
    "POST /api/v1/me/tokens": EVERYONE,
    "DELETE /api/v1/me/tokens/{token_id}": EVERYONE,
    "GET /api/v1/me/two-factor": EVERYONE,
    "POST /api/v1/me/password": EVERYONE,
    "POST /api/v1/me/logout-everywhere": EVERYONE,
    "POST /api/v1/people/{person_id}/password-reset": ADMIN,
    "POST /api/v1/people/{person_id}/logout-everywhere": ADMIN,
    "GET /api/v1/lockouts": SECURITY,
    "POST /api/v1/lockouts/release": SECURITY,
    # The business: the office's (and the units' and leaders'), never the three administrators'.
    "GET /api/v1/lists": OFFICE,
    "POST /api/v1/lists": OFFICE,
    "GET /api/v1/lists/{list_id}": OFFICE,
    "PATCH /api/v1/lists/{list_id}": OFFICE,
    "DELETE /api/v1/lists/{list_id}": OFFICE,
    "POST /api/v1/lists/{list_id}/publish": OFFICE,
    "POST /api/v1/lists/{list_id}/reports": OFFICE,
    "POST /api/v1/lists/{list_id}/accept": OFFICE,
    "POST /api/v1/lists/{list_id}/return": OFFICE,
    "POST /api/v1/lists/{list_id}/extensions": OFFICE,
    "POST /api/v1/lists/{list_id}/close": OFFICE,
    "GET /api/v1/lists/{list_id}/loop": OFFICE,
    "POST /api/v1/lists/{list_id}/units": OFFICE,
    "POST /api/v1/lists/{list_id}/units/{unit_id}/withdraw": OFFICE,
    "POST /api/v1/lists/{list_id}/transfer": OFFICE,
    "POST /api/v1/lists/{list_id}/transfer-requests": OFFICE,
    "GET /api/v1/lists/{list_id}/transfer-requests": OFFICE,
    "POST /api/v1/lists/{list_id}/suspend": OFFICE,
    "POST /api/v1/lists/{list_id}/resume": OFFICE,
    "POST /api/v1/lists/{list_id}/cancel": OFFICE,
    "GET /api/v1/lists/{list_id}/closing-record.pdf": OFFICE,
    "GET /api/v1/lists/{list_id}/closing-record.docx": OFFICE,
    "POST /api/v1/extensions/{extension_id}/decide": OFFICE,
    "POST /api/v1/transfer-requests/{request_id}/decide": OFFICE,
    "GET /api/v1/stats/overview": OFFICE,
    "GET /api/v1/stats/units": OFFICE,
    "GET /api/v1/escalations": OFFICE,
    "GET /api/v1/escalations/urge": OFFICE,
    "POST /api/v1/escalations/urge": OFFICE,
    "POST /api/v1/escalations/run": OFFICE,
    "GET /api/v1/duties": OFFICE,
    "POST /api/v1/duties/{duty_id}/sign": NOBODY,  # the unit signs for its duty
    "GET /api/v1/notifications": OFFICE,
    "POST /api/v1/notifications/read": OFFICE,
    "GET /api/v1/me/todo": OFFICE,
    "GET /api/v1/me/notification-settings": OFFICE,
    "PUT /api/v1/me/notification-settings": OFFICE,
    # The master ledger: the office's (units report, confirm, answer and hand in; here, no such ids).
    "GET /api/v1/ledgers": OFFICE,
    "POST /api/v1/ledgers": OFFICE,
    "GET /api/v1/ledgers/{ledger_id}": OFFICE,
    "POST /api/v1/ledgers/{ledger_id}/open": OFFICE,
    "GET /api/v1/ledgers/{ledger_id}/programmes": OFFICE,
    "POST /api/v1/ledgers/{ledger_id}/programmes": OFFICE,
    "GET /api/v1/ledgers/{ledger_id}/tasks": OFFICE,
    "POST /api/v1/ledgers/{ledger_id}/tasks": OFFICE,
    "PUT /api/v1/tasks/{task_id}": OFFICE,
    "GET /api/v1/tasks/{task_id}": OFFICE,
    "POST /api/v1/tasks/{task_id}/reports": OFFICE,
    "POST /api/v1/tasks/{task_id}/links": OFFICE,
    "GET /api/v1/stats/ledger": OFFICE,
    "POST /api/v1/ledgers/{ledger_id}/quarters": OFFICE,
    "GET /api/v1/ledgers/{ledger_id}/quarters": OFFICE,
    "GET /api/v1/ledgers/{ledger_id}/quarters/{q}": OFFICE,
    "GET /api/v1/ledgers/{ledger_id}/quarters/{q}/rows": OFFICE,
    "POST /api/v1/ledgers/{ledger_id}/quarters/{q}/confirmations": OFFICE,
    "POST /api/v1/ledgers/{ledger_id}/quarters/{q}/freeze": OFFICE,
    "GET /api/v1/ledgers/{ledger_id}/snapshots": OFFICE,
    "GET /api/v1/snapshots/compare": OFFICE,
    "GET /api/v1/snapshots/{snapshot_id}/rows": OFFICE,
    "POST /api/v1/snapshots/{snapshot_id}/audit": OFFICE,
    "GET /api/v1/snapshots/{snapshot_id}/audit": OFFICE,
    "POST /api/v1/audit-questions/{verdict_id}/answer": OFFICE,
    "POST /api/v1/ledgers/{ledger_id}/handins": OFFICE,
    "GET /api/v1/ledgers/{ledger_id}/handins": OFFICE,
    "POST /api/v1/ledgers/{ledger_id}/close": OFFICE,
    "POST /api/v1/ledgers/{ledger_id}/copy-structure": OFFICE,
    "GET /api/v1/ledgers/{ledger_id}/carried": OFFICE,
    "POST /api/v1/ledgers/{ledger_id}/imports": OFFICE,
    "GET /api/v1/imports/{import_id}": OFFICE,
    "GET /api/v1/ledgers/import-template.xlsx": OFFICE,
    "GET /api/v1/ledgers/{ledger_id}/export.xlsx": OFFICE,
    # Oversight (inspections, findings, cases, 登台剖析) and frontline work: the office's, the units', the
    # leaders', the discipline and organisation roles'.
    "POST /api/v1/inspections": OFFICE,
    "GET /api/v1/inspections": OFFICE,
    "GET /api/v1/inspections/{inspection_id}": OFFICE,
    "POST /api/v1/inspections/{inspection_id}/draw": OFFICE,
    "POST /api/v1/inspections/{inspection_id}/findings": OFFICE,
    "GET /api/v1/findings": OFFICE,
    "GET /api/v1/findings/{finding_id}": OFFICE,
    "POST /api/v1/findings/{finding_id}/attachments": OFFICE,
    "POST /api/v1/findings/{finding_id}/reports": OFFICE,
    "POST /api/v1/findings/{finding_id}/verify": OFFICE,
    "POST /api/v1/findings/{finding_id}/to-list": OFFICE,
    "GET /api/v1/finding-categories": OFFICE,
    "POST /api/v1/finding-categories": OFFICE,
    "POST /api/v1/talks": OFFICE,
    "GET /api/v1/talks": OFFICE,
    "GET /api/v1/talks/{talk_id}": OFFICE,
    "POST /api/v1/escalations/{escalation_id}/talk": OFFICE,
    "POST /api/v1/incidents": OFFICE,
    "GET /api/v1/incidents": OFFICE,
    "GET /api/v1/incidents/{incident_id}": OFFICE,
    "POST /api/v1/violations": OFFICE,
    "GET /api/v1/violations": OFFICE,
    "GET /api/v1/violations/{violation_id}": OFFICE,
    "POST /api/v1/accountability": OFFICE,
    "GET /api/v1/accountability": OFFICE,
    "GET /api/v1/accountability/{case_id}": OFFICE,
    "GET /api/v1/stats/oversight": OFFICE,
    "POST /api/v1/analyses": OFFICE,
    "GET /api/v1/analyses": OFFICE,
    "GET /api/v1/analyses/{analysis_id}": OFFICE,
    "PUT /api/v1/analyses/{analysis_id}/agenda": OFFICE,
    "POST /api/v1/analyses/{analysis_id}/confirm": OFFICE,
    "POST /api/v1/analyses/{analysis_id}/commitments": OFFICE,
    "GET /api/v1/analyses/{analysis_id}/agenda.pdf": OFFICE,
    "GET /api/v1/analyses/{analysis_id}/agenda.docx": OFFICE,
    "GET /api/v1/analyses/{analysis_id}/units/{unit_id}/dossier.pdf": OFFICE,
    "GET /api/v1/analyses/{analysis_id}/units/{unit_id}/dossier.docx": OFFICE,
    "POST /api/v1/fieldwork": OFFICE,
    "GET /api/v1/fieldwork": OFFICE,
    "GET /api/v1/fieldwork/{entry_id}": OFFICE,
    "GET /api/v1/fieldwork/compliance": OFFICE,
    "GET /api/v1/fieldwork/summary": OFFICE,
    "POST /api/v1/fieldwork/problems/{problem_id}/to-list": OFFICE,
    "POST /api/v1/stationings": OFFICE,
    "GET /api/v1/stationings": OFFICE,
    "POST /api/v1/stationings/{stationing_id}/end": OFFICE,
    "POST /api/v1/postings": OFFICE,
    "GET /api/v1/postings": OFFICE,
    "POST /api/v1/postings/{posting_id}/end": OFFICE,
    "POST /api/v1/selections": OFFICE,
    "GET /api/v1/selections": OFFICE,
    "GET /api/v1/selections/{selection_id}": OFFICE,
    "POST /api/v1/selections/{selection_id}/candidates": OFFICE,
    "POST /api/v1/selections/{selection_id}/candidates/{candidate_id}/placement": OFFICE,
    # Public problems: the office's (and the units'); the categories, the weights and Open311's keys beside the
    # business (the administrator's settings); the public's form and status without any login.
    "POST /api/v1/problems": OFFICE,
    "GET /api/v1/problems": OFFICE,
    "GET /api/v1/problems/{problem_id}": OFFICE,
    "POST /api/v1/problems/{problem_id}/accept": OFFICE,
    "POST /api/v1/problems/{problem_id}/reject": OFFICE,
    "POST /api/v1/problems/{problem_id}/duplicate": OFFICE,
    "POST /api/v1/problems/{problem_id}/dispatch": OFFICE,
    "POST /api/v1/problems/{problem_id}/sign": OFFICE,
    "POST /api/v1/problems/{problem_id}/send-back": OFFICE,
    "POST /api/v1/problems/{problem_id}/rule": OFFICE,
    "POST /api/v1/problems/{problem_id}/progress": OFFICE,
    "POST /api/v1/problems/{problem_id}/reply": OFFICE,
    "POST /api/v1/problems/{problem_id}/visit": OFFICE,
    "POST /api/v1/problems/{problem_id}/close": OFFICE,
    "POST /api/v1/problems/{problem_id}/expose": OFFICE,
    "POST /api/v1/problems/{problem_id}/to-list": OFFICE,
    "GET /api/v1/problems/{problem_id}/suggestions": OFFICE,
    "POST /api/v1/programmes": OFFICE,
    "GET /api/v1/programmes": OFFICE,
    "GET /api/v1/programmes/{programme_id}": OFFICE,
    "GET /api/v1/programmes/{programme_id}/episodes": OFFICE,
    "POST /api/v1/programmes/{programme_id}/episodes": OFFICE,
    "GET /api/v1/stats/rates": OFFICE,
    "POST /api/v1/open311/keys": ADMIN | OFFICE,
    "GET /api/v1/open311/keys": ADMIN | OFFICE,
    "POST /api/v1/open311/keys/{key_id}/revoke": ADMIN | OFFICE,
    "GET /api/v1/problem-categories": EVERYONE,
    "POST /api/v1/problem-categories": ADMIN | OFFICE,
    "PATCH /api/v1/problem-categories/{category_id}": ADMIN | OFFICE,
    "GET /api/v1/stats/rate-weights": EVERYONE,
    "PUT /api/v1/stats/rate-weights": ADMIN,
    "GET /api/v1/problems/suggestion-accuracy": ADMIN | OFFICE,
    "POST /api/v1/lists/drafts-from-text": OFFICE,
    "POST /api/v1/lists/drafts-from-text/create": OFFICE,
    "GET /api/v1/stats/cockpit": OFFICE,
    "GET /api/v1/stats/summary": OFFICE,
    "GET /api/v1/bulletins": OFFICE,
    "POST /api/v1/bulletins": OFFICE,
    "GET /api/v1/bulletins/{bulletin_id}": OFFICE,
    "GET /api/v1/bulletins/{bulletin_id}.pdf": OFFICE,
    "GET /api/v1/bulletins/{bulletin_id}.docx": OFFICE,
    "GET /api/v1/public/challenge": EVERYONE,
    "POST /api/v1/public/problems": EVERYONE,
    "GET /api/v1/public/problems/{code}": EVERYONE,
}

STRONG = "Zq8#vLm2pW!x-2026"


@pytest.fixture
def people(admin, security, auditor, office) -> dict[str, Person]:
    return {"admin": admin, "security": security, "auditor": auditor, "office": office}


@pytest.fixture
def world(published_list, unit_a, liaison_a, office) -> dict:
    duty = published_list.duties.get(unit=unit_a)
    ledger = ledger_services.do_create_ledger(office, year=2026, title="2026年总台账")
    return {
        "ledger_id": ledger.pk,
        "task_id": 999999,
        "q": 1,
        "snapshot_id": 999999,
        "verdict_id": 999999,
        "import_id": 999999,
        **dict.fromkeys(
            [
                "analysis_id",
                "bulletin_id",
                "candidate_id",
                "case_id",
                "entry_id",
                "escalation_id",
                "finding_id",
                "incident_id",
                "inspection_id",
                "posting_id",
                "problem_id",
                "programme_id",
                "key_id",
                "selection_id",
                "stationing_id",
                "talk_id",
                "violation_id",
            ],
            999999,
        ),
        "list_id": published_list.pk,
        "unit_id": unit_a.pk,
        "person_id": liaison_a.pk,
        "duty_id": duty.pk,
        "extension_id": 999999,
        "request_id": 999999,
        "code": "2222-3333-4444-5555-6666",
        "category_id": Category.objects.order_by("pk").first().pk,
    }


def payload(op: str, unit_id: int) -> dict | None:
    """A valid body for the writes whose role check comes after the body's validation."""
    return {
        "POST /api/v1/units": {"name": "新区管委会", "kind": "department"},
        "PUT /api/v1/units/{unit_id}/aliases": {"aliases": ["新简称"]},
        "POST /api/v1/people": {
            "username": "newbie",
            "name": "新人",
            "password": STRONG,
            "roles": ["liaison"],
            "unit": unit_id,
        },
        "PUT /api/v1/people/{person_id}/roles": {"roles": ["liaison"]},
        "POST /api/v1/me/tokens": {"name": "脚本"},
        "POST /api/v1/open311/keys": {"name": "随手拍"},
        "POST /api/v1/problem-categories": {"name": "新类别", "code": "new_kind"},
        "PATCH /api/v1/problem-categories/{category_id}": {"respond_hours": 12},
        "PUT /api/v1/stats/rate-weights": {
            "response": 10,
            "resolution": 45,
            "satisfaction": 45,
            "basically_counts": 80,
        },
    }.get(op)


def operations(client: Client) -> list[tuple[str, str, str]]:
    doc = client.get("/api/v1/openapi.json").json()
    return [(f"{m.upper()} {p}", m, p) for p, ops in doc["paths"].items() for m in ops]


def test_every_api_operation_is_in_the_table(client):
    listed = {op for op, _m, _p in operations(client)}
    assert listed == set(API), f"unlisted: {sorted(listed - set(API))}; gone: {sorted(set(API) - listed)}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_uses_exactly_the_api_operations_of_its_duty(client, api, people, world, role):
    person = people[role]
    c = api(person)
    spare = ApiToken.objects.create(person=person, key_hash=f"spare-{role}", prefix="spare")
    wrong = []
    for op, method, path in operations(client):
        url = path.format(**world, token_id=spare.pk)
        body = payload(op, world["unit_id"])
        response = getattr(c.client, method)(
            url,
            body if body is not None else ({} if method != "get" else None),
            content_type="application/json",
            headers=c.headers,
        )
        status = response.status_code
        allowed = role in API[op]
        assert status < 500, (op, status)
        if (allowed and status in (401, 403)) or (not allowed and status != 403):
            wrong.append((op, status, "should be allowed" if allowed else "should be refused"))
    assert not wrong, wrong


# --- the web pages --------------------------------------------------------------------------------------
# (page, who of the four may open it). Refused: 403, or the admin site's sign-in (302) for who is not staff.
def pages(world: dict) -> list[tuple[str, frozenset[str]]]:
    list_id, unit_id = world["list_id"], world["unit_id"]
    rows = [
        (reverse("home"), EVERYONE),
        (reverse("tokens:index"), EVERYONE),
        (reverse("lists:index"), OFFICE),
        (reverse("lists:overview"), OFFICE),
        (reverse("lists:export", args=["csv"]), OFFICE),
        (reverse("lists:create"), OFFICE),
        (reverse("lists:import"), OFFICE),
        (reverse("lists:loop", args=[list_id]), OFFICE),
        (reverse("lists:changes", args=[list_id]), OFFICE),
        (reverse("lists:report_page", args=[list_id, unit_id]), NOBODY),  # the unit's
        (reverse("lists:inbox"), NOBODY),  # a unit's people
        (reverse("lists:leader"), NOBODY),  # a leader's
        (reverse("ledger:index"), OFFICE),
        (reverse("ledger:tree", args=[world["ledger_id"]]), OFFICE),
        (reverse("ledger:import", args=[world["ledger_id"]]), OFFICE),
        (reverse("ledger:cycle", args=[world["ledger_id"]]), OFFICE),
        (reverse("ledger:snapshots", args=[world["ledger_id"]]), OFFICE),
        (reverse("ledger:programmes", args=[world["ledger_id"]]), OFFICE),
        (reverse("oversight:inspections"), OFFICE),
        (reverse("oversight:findings"), OFFICE),
        (reverse("oversight:categories"), OFFICE),
        (reverse("oversight:cases"), OFFICE),
        (reverse("oversight:talk_new"), OFFICE),
        (reverse("oversight:analyses"), OFFICE),
        (reverse("oversight:analysis_new"), OFFICE),
        (reverse("frontline:compliance"), OFFICE),
        (reverse("frontline:half_year"), OFFICE),
        (reverse("frontline:stationed"), OFFICE),
        (reverse("frontline:selections"), OFFICE),
        (reverse("frontline:placements"), OFFICE),
        (reverse("frontline:month"), OFFICE),  # a leader's own month; the office picks the leader
        (reverse("public:index"), OFFICE),
        (reverse("public:hotline"), OFFICE),
        (reverse("public:triage"), OFFICE),
        (reverse("public:export"), OFFICE),
        (reverse("public:rates"), OFFICE),
        (reverse("public:programmes"), OFFICE),
        (reverse("public:settings"), ADMIN | OFFICE),  # the categories' service levels, the rates' weights
        (reverse("lists:from_text"), OFFICE),
        (reverse("cockpit:index"), OFFICE),
        (reverse("cockpit:bulletins"), OFFICE),
        (reverse("cockpit:summary"), OFFICE),
        (reverse("escalation:board"), OFFICE),
        (reverse("escalation:episodes"), OFFICE),
        (reverse("escalation:steps"), OFFICE),
        (reverse("escalation:talks"), OFFICE),
        (reverse("escalation:orders"), NOBODY),
        (reverse("escalation:unit"), NOBODY),
        (reverse("escalation:unsigned"), OFFICE),
        (reverse("escalation:league"), OFFICE),
        (reverse("escalation:league_export"), OFFICE),
        (reverse("notify:inbox"), OFFICE),
        (reverse("notify:settings"), OFFICE),
        # The system administrator's settings and Django's admin, by role.
        (reverse("escalation:policy"), ADMIN),
        (reverse("escalation:calendar"), ADMIN),
        ("/admin/", ADMIN | SECURITY),
        ("/admin/org/unit/", ADMIN),
        ("/admin/org/unit/add/", ADMIN),
        ("/admin/org/person/", ADMIN | SECURITY),
        ("/admin/org/person/add/", ADMIN),
        (f"/admin/org/person/{world['person_id']}/change/", ADMIN | SECURITY),
        (f"/admin/org/person/{world['person_id']}/password/", NOBODY),  # reset with the audited action
        (f"/admin/org/person/{world['person_id']}/delete/", NOBODY),  # people are disabled, never deleted
        ("/admin/org/apitoken/", ADMIN | SECURITY),
        ("/admin/lists/responsibilitylist/", NOBODY),  # business data
        ("/admin/auth/group/", NOBODY),  # Django's permission tables decide nothing
    ]
    with suppress(NoReverseMatch):  # the auditor's pages, once mounted
        rows.append((reverse("audit:trail"), AUDITOR))
    return rows


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_pages_of_its_duty(client, people, world, role):
    client.force_login(people[role])
    wrong = []
    for page, who in pages(world):
        status = client.get(page).status_code
        allowed = role in who
        assert status < 500, (page, status)
        refused = status == 403 or status == 404 or (status == 302 and page.startswith("/admin/"))
        if allowed == refused:
            wrong.append((page, status, "should be allowed" if allowed else "should be refused"))
    assert not wrong, wrong


# --- two privileged roles on one person -------------------------------------------------------------------
PAIRS = [["admin", "security"], ["admin", "auditor"], ["security", "auditor"], ["admin", "security", "auditor"]]


@pytest.mark.parametrize("roles", PAIRS)
def test_the_services_refuse_two_privileged_roles(admin, security, liaison_a, unit_a, roles):
    with pytest.raises(InvalidInput) as e:
        services.do_create_person(admin, username="two_hats", name="双重", password=STRONG, roles=roles)
    assert e.value.field == "roles"
    with pytest.raises(InvalidInput) as e:
        services.do_set_roles(security, liaison_a, roles)
    assert e.value.field == "roles"
    assert not Person.objects.filter(username="two_hats").exists()
    assert Person.objects.get(pk=liaison_a.pk).roles == ["liaison"]


@pytest.mark.parametrize("roles", PAIRS)
def test_the_api_refuses_two_privileged_roles_with_400_on_roles(api, admin, security, liaison_a, roles):
    r = api(admin).post("/people", {"username": "two_hats", "name": "双重", "password": STRONG, "roles": roles})
    assert r.status_code == 400 and r.json()["field"] == "roles", r.content
    c = api(security)
    r = c.client.put(
        f"/api/v1/people/{liaison_a.pk}/roles", {"roles": roles}, content_type="application/json", headers=c.headers
    )
    assert r.status_code == 400 and r.json()["field"] == "roles", r.content
    assert not Event.objects.filter(kind__in=["person.created", "person.roles_changed"]).exists()


def test_the_admin_forms_refuse_two_privileged_roles(client, admin, security, liaison_a):
    client.force_login(admin)
    r = client.post(
        "/admin/org/person/add/",
        {
            "username": "two_hats",
            "password1": STRONG,
            "password2": STRONG,
            "usable_password": "true",
            "roles": ["admin", "auditor"],
        },
    )
    assert r.status_code == 200 and r.context["adminform"].form.errors["roles"]
    client.force_login(security)
    r = client.post(f"/admin/org/person/{liaison_a.pk}/change/", {"roles": ["security", "auditor"]})
    assert r.status_code == 200 and r.context["adminform"].form.errors["roles"]
    assert not Person.objects.filter(username="two_hats").exists()
    assert Person.objects.get(pk=liaison_a.pk).roles == ["liaison"]


# --- the security administrator's roles, the system administrator's people -----------------------------------


def test_the_security_administrator_changes_roles_and_it_is_audited(api, security, liaison_a, head_a):
    c = api(security)
    r = c.client.put(
        f"/api/v1/people/{liaison_a.pk}/roles",
        {"roles": ["liaison", "unit_head"]},
        content_type="application/json",
        headers=c.headers,
    )
    assert r.status_code == 200 and r.json()["roles"] == ["liaison", "unit_head"]
    c.client.put(
        f"/api/v1/people/{liaison_a.pk}/roles",
        {"roles": ["unit_head", "liaison"]},
        content_type="application/json",
        headers=c.headers,
    )  # the same roles again: nothing
    (event,) = Event.objects.filter(kind="person.roles_changed")
    assert event.actor == security and event.before == {"roles": ["liaison"]}
    assert event.after == {"roles": ["liaison", "unit_head"]}
    granted = services.do_set_roles(security, head_a, ["security"])
    assert granted.is_staff and not granted.is_superuser


def test_roles_for_a_unit_need_a_unit_and_nobody_changes_his_own(security, office):
    with pytest.raises(InvalidInput) as e:
        services.do_set_roles(security, office, ["liaison"])
    assert e.value.field == "roles"
    with pytest.raises(NotAllowed):
        services.do_set_roles(security, security, ["office"])


def test_the_security_administrator_edits_only_roles_in_the_admin(client, security, liaison_a):
    client.force_login(security)
    r = client.post(
        f"/admin/org/person/{liaison_a.pk}/change/",
        {"roles": ["liaison", "unit_head"], "name": "改名", "username": "renamed"},
    )
    assert r.status_code == 302
    liaison_a.refresh_from_db()
    assert liaison_a.roles == ["liaison", "unit_head"] and liaison_a.username == "liaison_a"
    assert Event.objects.get(kind="person.roles_changed").actor == security


def test_the_system_administrator_does_not_change_roles_in_the_admin(client, admin, liaison_a):
    client.force_login(admin)
    r = client.post(
        f"/admin/org/person/{liaison_a.pk}/change/",
        {"username": "liaison_a", "name": "新名字", "roles": ["office"], "unit": liaison_a.unit_id},
    )
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    liaison_a.refresh_from_db()
    assert liaison_a.name == "新名字" and liaison_a.roles == ["liaison"]


def test_disabling_ends_sessions_and_tokens_and_enabling_brings_sign_in_back(api, admin, liaison_a):
    other = Client()
    other.force_login(liaison_a)
    raw = ApiToken.issue(liaison_a)
    epoch = liaison_a.session_epoch
    c = api(admin)
    assert c.post(f"/people/{liaison_a.pk}/disable").status_code == 200
    assert c.post(f"/people/{liaison_a.pk}/disable").status_code == 200  # twice: once
    liaison_a.refresh_from_db()
    assert not liaison_a.is_active and liaison_a.session_epoch == epoch + 1
    assert Client().get("/api/v1/units", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert other.get(reverse("lists:index")).status_code == 302  # signed out
    (event,) = Event.objects.filter(kind="person.disabled")
    assert event.actor == admin and event.after["tokens_revoked"] == 1
    assert Event.objects.get(kind="token.revoked").after["reason"] == "disabled"
    r = c.post(f"/people/{liaison_a.pk}/enable")
    assert r.status_code == 200 and r.json()["is_active"] is True
    assert Event.objects.filter(kind="person.enabled").count() == 1
    assert c.post("/people/999999/disable").status_code == 404
    with pytest.raises(NotAllowed):
        services.do_disable_person(admin, admin)


def test_disabling_in_the_admin_and_no_deleting(client, admin, liaison_a):
    client.force_login(admin)
    r = client.post("/admin/org/person/", {"action": "disable_people", "_selected_action": [liaison_a.pk]})
    assert r.status_code == 302
    liaison_a.refresh_from_db()
    assert not liaison_a.is_active
    actions = client.get("/admin/org/person/").context["action_form"].fields["action"].choices
    assert "delete_selected" not in {name for name, _label in actions}
    assert Person.objects.filter(pk=liaison_a.pk).exists()


def test_a_person_made_with_two_roles_before_cannot_be_saved_again(security, liaison_a):
    """A row with two privileged roles (written behind the service's back) is refused on its next change."""
    Person.objects.filter(pk=liaison_a.pk).update(roles=["admin", "auditor"])
    with pytest.raises(InvalidInput):
        services.do_set_roles(security, Person.objects.get(pk=liaison_a.pk), ["admin", "auditor", "liaison"])
    assert make_person("clean", ["auditor"]).roles == ["auditor"]


def test_the_system_administrator_resets_passwords_and_ends_sessions_from_the_admin(client, admin, liaison_a):
    pytest.importorskip("luoshi.org.passwords")
    pytest.importorskip("luoshi.org.sessions")
    client.force_login(admin)
    epoch = liaison_a.session_epoch
    r = client.post("/admin/org/person/", {"action": "logout_everywhere", "_selected_action": [liaison_a.pk]})
    assert r.status_code == 302
    liaison_a.refresh_from_db()
    assert liaison_a.session_epoch > epoch
    r = client.post(
        "/admin/org/person/", {"action": "reset_passwords", "_selected_action": [liaison_a.pk]}, follow=True
    )
    shown = " ".join(str(m) for m in r.context["messages"])
    liaison_a.refresh_from_db()
    assert liaison_a.must_change_password and "liaison_a" in shown
    assert Event.objects.filter(kind="password.reset", subject_id=liaison_a.pk).exists()


def test_the_security_administrator_has_no_people_actions_but_the_two_factor_reset(client, security, liaison_a):
    client.force_login(security)
    offered = client.get("/admin/org/person/").context["action_form"].fields["action"].choices
    assert [name for name, _label in offered if name] == ["reset_two_factors"]
    r = client.post("/admin/org/person/", {"action": "disable_people", "_selected_action": [liaison_a.pk]})
    assert r.status_code in (200, 302)
    assert Person.objects.get(pk=liaison_a.pk).is_active
