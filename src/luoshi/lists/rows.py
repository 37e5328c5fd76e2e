"""The list API's reads as plain rows: `.values()` straight into the response's dicts, lights ranked in
SQL (duties.lights.light_rank), no model instances and no re-validation of the output.

One query for the lists (with their light, leader and effective deadline), one for their duties (with
units and last reports), one for their milestones: three, whatever the number of lists (a page of the
index adds its count and its ids in order). The dicts have
exactly the fields of lists.api_schemas.ListOut / ObligationOut / LoopRowOut.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder

from luoshi.duties.lights import GREEN, LIGHT_RANK, light_rank
from luoshi.duties.models import Duty, DutyStatus
from luoshi.lists import queries
from luoshi.lists.api_schemas import unit_status
from luoshi.lists.figures import tallied_status_counts
from luoshi.lists.models import ListStatus, Milestone, ResponsibilityList
from luoshi.lists.paging import page_ids
from luoshi.lists.services import owner_type
from luoshi.org.models import Person

RANK_LIGHT: dict[int, str | None] = {rank: light for light, rank in LIGHT_RANK.items()}

# ListOut's fields read as they are stored.
LIST_FIELDS = (
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
)
_LIST_VALUES = (*LIST_FIELDS, "leader_id", "leader__name", "leader__username", "effective_deadline", "lit")
_DUTY_VALUES = (
    "owner_id",
    "unit_id",
    "unit__name",
    "role",
    "status",
    "progress",
    "deadline",
    "next_report_due",
    "last_report__filed_at",
    "lit",
)
# What the loop adds to each unit: its last report's words.
_LAST_REPORT_VALUES = ("last_report__done", "last_report__difficulties", "last_report__next_steps")


def with_list_lights(qs: QuerySet[ResponsibilityList], today: date) -> QuerySet[ResponsibilityList]:
    """`qs` annotated by queries.with_lights, and `lit`: the rank of the list's light (LIGHT_RANK)."""
    lit = light_rank(today, "open_due", "open_deadline", Q(status=ListStatus.IN_PROGRESS))
    return queries.with_lights(qs).annotate(lit=lit)


def list_values(qs: QuerySet[ResponsibilityList]) -> QuerySet:
    """The `.values()` rows of lists annotated by with_list_lights (and sorted or sliced as the caller likes)."""
    return qs.values(*_LIST_VALUES)


def list_dicts(rows: Iterable[dict[str, Any]], today: date, *, last_reports: bool = False) -> list[dict]:
    """ListOut dicts of list rows (list_values), each with its milestones and every duty (lead first,
    withdrawn ones too, as ListOut always listed them). Two queries. With `last_reports`, each duty
    also carries its last report's words (LoopRowOut)."""
    lists = [_list_dict(row) for row in rows]
    if not lists:
        return lists
    by_id = {rl["id"]: rl for rl in lists}
    for ob in obligation_dicts(list(by_id), {i: rl["status"] for i, rl in by_id.items()}, today, last_reports):
        by_id[ob.pop("owner_id")]["obligations"].append(ob)
    milestones: dict[int, list[dict]] = defaultdict(list)
    for m in Milestone.objects.filter(list_id__in=by_id).values("list_id", "due_date", "title"):
        milestones[m["list_id"]].append({"due_date": m["due_date"], "title": m["title"]})
    for rl in lists:
        rl["milestones"] = milestones.get(rl["id"], [])
    return lists


def _list_dict(row: dict[str, Any]) -> dict[str, Any]:
    out = {f: row[f] for f in LIST_FIELDS}
    out["leader"] = row["leader_id"]
    out["leader_name"] = (row["leader__name"] or row["leader__username"]) if row["leader_id"] else None  # str(Person)
    out["effective_deadline"] = row["effective_deadline"]
    out["light"] = RANK_LIGHT[row["lit"]]
    out["milestones"] = []
    out["obligations"] = []
    return out


def obligation_dicts(
    list_ids: list[int], list_status: dict[int, str], today: date, last_reports: bool = False
) -> list[dict]:
    """ObligationOut dicts (with `owner_id`) of these lists' duties, lead first; one query. The light as
    queries.obligation_light: none on a list not in progress or a withdrawn duty, green on work that is
    not open, else the rule of `light`, ranked in SQL."""
    fields = (*_DUTY_VALUES, *_LAST_REPORT_VALUES) if last_reports else _DUTY_VALUES
    duties = (
        Duty.objects.filter(owner_type=owner_type(), owner_id__in=list_ids)
        .annotate(lit=light_rank(today, "next_report_due", "deadline", Q(status=DutyStatus.OPEN)))
        .order_by("owner_id", "-role", "id")
        .values(*fields)
    )
    out = []
    for d in duties:
        status = d["status"]
        if list_status[d["owner_id"]] != ListStatus.IN_PROGRESS or status == DutyStatus.WITHDRAWN:
            light = None
        elif status != DutyStatus.OPEN:
            light = GREEN
        else:
            light = RANK_LIGHT[d["lit"]]
        ob = {
            "owner_id": d["owner_id"],
            "unit": d["unit_id"],
            "unit_name": d["unit__name"],
            "role": d["role"],
            "status": unit_status(status),
            "progress": d["progress"],
            "deadline": d["deadline"],
            "next_report_due": d["next_report_due"],
            "last_report_at": d["last_report__filed_at"],
            "light": light,
        }
        if last_reports:
            ob["done"] = d["last_report__done"] or ""
            ob["difficulties"] = d["last_report__difficulties"] or ""
            ob["next_steps"] = d["last_report__next_steps"] or ""
        out.append(ob)
    return out


def one_list(qs: QuerySet[ResponsibilityList], list_id: int, today: date, *, last_reports: bool = False) -> dict | None:
    """The ListOut dict of list `list_id` if `qs` holds it (three queries), else None."""
    rows = list_dicts(list_values(with_list_lights(qs.filter(pk=list_id), today)), today, last_reports=last_reports)
    return rows[0] if rows else None


def page_of_lists(person: Person, f: queries.ListFilters, today: date, offset: int, limit: int) -> dict[str, Any]:
    """{"items", "count"} as ninja's paginator gave them: the lists `person` sees under the filters `f`,
    in the order of queries.sorted_lists, from `offset`. Five queries: the page's ids in order
    (lists.paging: in index order for the light sort; a deep page counts what it skips), their rows,
    duties and milestones, and the count. Sorting only ids and sort keys, not the wide rows with
    their leader, halves the sort over every list (20,000 on PostgreSQL: 25 -> 12 ms)."""
    filtered = queries.filtered_lists(person, f, today)
    ids = page_ids(filtered, f.sort, today, offset, limit)
    found = {}
    if ids:
        chosen = ResponsibilityList.objects.filter(pk__in=ids)
        found = {row["id"]: row for row in list_values(with_list_lights(chosen, today))}
    return {"items": list_dicts([found[i] for i in ids], today), "count": _count(person, f, filtered)}


def _count(person: Person, f: queries.ListFilters, filtered: QuerySet[ResponsibilityList]) -> int:
    """How many lists the filters hold: from the tallies (a few hundred rows) when the person sees every
    list and filters only by status, year, source or leader, as the index's tabs do; else counted."""
    if queries.tallied_filters(person, f):
        counts = tallied_status_counts(year=f.year, source=f.source, leader=f.leader)
        return counts[f.status or "all"]
    return filtered.count()


def json_response(data: Any, status: int = 200) -> HttpResponse:
    """`data` rendered as ninja renders a response (its encoder: ISO dates, ms datetimes), as is: an
    HttpResponse passes ninja's response validation by, which these rows need not (they are built to
    the schema)."""
    body = json.dumps(data, cls=NinjaJSONEncoder)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
