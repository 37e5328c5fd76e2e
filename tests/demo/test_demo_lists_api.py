"""The list API read as rows (lists.rows) answers exactly what the model-and-pydantic code answered before,
on the demo city: lights of every colour, suspended, cancelled and closed lists, withdrawn duties."""

import json
from datetime import date

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from luoshi.duties.models import Duty, DutyStatus
from luoshi.lists import queries
from luoshi.lists.api_schemas import ListOut, PagedListOut, unit_status
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.org.models import Person, Role
from tests.conftest import ApiClient

pytestmark = [pytest.mark.django_db, pytest.mark.figures_by_hand]


# --- the code this replaces, kept here as the reference ---------------------------------------------


def _old_obligation(ob: Duty, today: date, list_status: str) -> dict:
    return {
        "unit": ob.unit_id,
        "unit_name": ob.unit.name,
        "role": ob.role,
        "status": unit_status(ob.status),
        "progress": ob.progress,
        "deadline": ob.deadline,
        "next_report_due": ob.next_report_due,
        "last_report_at": ob.last_report.filed_at if ob.last_report else None,
        "light": queries.obligation_light(ob, today, list_status),
    }


def _old_list(rlist: ResponsibilityList, obligations: list[Duty], today: date) -> dict:
    fields = [
        "id",
        "code",
        "year",
        "status",
        "source",
        "title",
        "content",
        "deadline",
        "report_every_days",
        "created_at",
        "published_at",
        "closed_at",
        "closed_late",
        "days_late",
        "suspended_at",
        "cancelled_at",
    ]
    return {
        **{f: getattr(rlist, f) for f in fields},
        "leader": rlist.leader_id,
        "leader_name": str(rlist.leader) if rlist.leader else None,
        "effective_deadline": queries.effective_deadline(rlist),
        "light": queries.list_light(rlist, today),
        "milestones": [{"due_date": m.due_date, "title": m.title} for m in rlist.milestones.all()],
        "obligations": [_old_obligation(ob, today, rlist.status) for ob in obligations],
    }


def _as_sent(schema, data) -> object:
    """What ninja sent for `data` under `schema`: validated, dumped, encoded."""
    return json.loads(json.dumps(schema.model_validate(data).model_dump(), cls=NinjaJSONEncoder))


def old_page(person: Person, params: dict, offset: int = 0, limit: int = 100) -> object:
    today = timezone.localdate()
    f = queries.ListFilters(**params)
    qs = queries.index_rows(queries.filtered_lists(person, f, today), f.sort, today).prefetch_related("milestones")
    items = [_old_list(r, list(r.duties.all()), today) for r in qs[offset : offset + limit]]
    return _as_sent(PagedListOut, {"items": items, "count": qs.count()})


def old_detail(person: Person, list_id: int) -> object:
    rlist = queries.with_lights(queries.visible_lists(person)).select_related("leader").get(pk=list_id)
    return _as_sent(
        ListOut, _old_list(rlist, list(rlist.duties.select_related("unit", "last_report")), timezone.localdate())
    )


# --- the comparisons ----------------------------------------------------------------------------------


def people() -> list[Person]:
    everyone = list(Person.objects.filter(is_active=True).order_by("id"))
    office = next(p for p in everyone if p.has_role(Role.OFFICE))
    leader = next(p for p in everyone if p.has_role(Role.LEADER) and not p.has_role(Role.OFFICE))
    liaison = next(p for p in everyone if p.has_role(Role.LIAISON))
    return [office, leader, liaison]


def test_the_demo_city_holds_every_case_compared(city):
    today = timezone.localdate()
    lists = list(queries.with_lights(ResponsibilityList.objects.all()))
    assert {queries.list_light(rl, today) for rl in lists} == {"green", "yellow", "red", None}
    assert {rl.status for rl in lists} >= {
        ListStatus.IN_PROGRESS,
        ListStatus.SUSPENDED,
        ListStatus.CANCELLED,
        ListStatus.CLOSED,
    }
    assert Duty.objects.filter(status=DutyStatus.WITHDRAWN).exists()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-deadline"},
        {"sort": "units"},
        {"sort": "progress"},
        {"sort": "leader"},
        {"light": "red"},
        {"light": "yellow"},
        {"light": "green"},
        {"status": "cancelled"},
        {"status": "suspended"},
        {"status": "closed", "source": "meeting"},
        {"status": "draft"},
        {"overdue": True},
    ],
)
def test_the_list_page_answers_as_before(city, params):
    for person in people():
        query = {k: ("true" if v is True else v) for k, v in params.items()}
        new = ApiClient(person).get("/lists", limit=200, **query)
        assert new.status_code == 200
        assert new.json() == old_page(person, params, limit=200), (person.username, params)


def test_a_middle_page_answers_as_before(city):
    person = people()[0]
    new = ApiClient(person).get("/lists", limit=7, offset=40, sort="title").json()
    assert len(new["items"]) == 7
    assert new == old_page(person, {"sort": "title"}, offset=40, limit=7)


def test_one_list_answers_as_before_for_every_list(city):
    person = people()[0]
    client = ApiClient(person)
    for list_id in ResponsibilityList.objects.values_list("pk", flat=True):
        assert client.get(f"/lists/{list_id}").json() == old_detail(person, list_id), list_id


def test_the_loops_list_and_units_answer_as_before(city):
    person = people()[0]
    client = ApiClient(person)
    cases = set(Duty.objects.filter(status=DutyStatus.WITHDRAWN).values_list("owner_id", flat=True)[:3])
    for status in ListStatus.values:
        cases |= set(ResponsibilityList.objects.filter(status=status).values_list("pk", flat=True)[:2])
    for list_id in sorted(cases):
        body = client.get(f"/lists/{list_id}/loop").json()
        assert body["list"] == old_detail(person, list_id)
        rlist = ResponsibilityList.objects.get(pk=list_id)
        for row, ob in zip(body["obligations"], queries.loop_obligations(rlist), strict=True):
            last = ob.last_report
            assert row["unit"] == ob.unit_id and row["status"] == unit_status(ob.status)
            assert (row["done"], row["difficulties"], row["next_steps"]) == (
                (last.done, last.difficulties, last.next_steps) if last else ("", "", "")
            )


def test_the_list_api_runs_the_same_queries_for_a_page_of_5_or_200(city):
    client = ApiClient(people()[0])
    client.get("/lists", limit=1)  # the token's last use written, the caches filled
    total = ResponsibilityList.objects.count()
    counts = []
    for limit in (5, 200):
        with CaptureQueriesContext(connection) as queries_run:
            assert len(client.get("/lists", limit=limit).json()["items"]) == min(limit, total)
        counts.append(len(queries_run))
    # token, the ids in order (one query per light segment read until the page is full: red, yellow, green,
    # the rest), their rows, duties, milestones, count: at most 9 however many lists
    assert counts[0] <= counts[1] <= 9, counts


def test_one_list_runs_the_same_queries_however_many_units(city):
    client = ApiClient(people()[0])
    ids = list(ResponsibilityList.objects.annotate(n=Count("duties")).order_by("n").values_list("pk", flat=True))
    client.get(f"/lists/{ids[0]}")
    counts = set()
    for list_id in (ids[0], ids[-1]):
        for path in (f"/lists/{list_id}", f"/lists/{list_id}/loop"):
            with CaptureQueriesContext(connection) as queries_run:
                assert client.get(path).status_code == 200
            counts.add((path.endswith("loop"), len(queries_run)))
    assert len(counts) == 2, counts
