"""A page of lists in the order asked for, read in index order where it can be.

The default order, worst light first, is a rank that depends on today, so no index holds it. But each
light is a range of the lists' own dates: red, then yellow, then green lists in progress, then the rest,
each in the order of its effective deadline (an index). A page reads the segments in turn and stops
when it is full, so the first pages cost the same whatever the number of lists; a deep page counts the
segments it skips.
"""

from datetime import date
from typing import Any, overload

from django.db.models import F, Q, QuerySet

from luoshi.duties.lights import GREEN, RED, YELLOW, light_q
from luoshi.lists import queries
from luoshi.lists.models import ListStatus, ResponsibilityList

IN_PROGRESS = Q(status=ListStatus.IN_PROGRESS)
# Within a light: what falls due first (ties: the newest list first), as queries.sorted_lists orders.
WITHIN_LIGHT = (F("final_deadline").asc(), F("working_due").asc(nulls_last=True), F("id").desc())


def light_segments(today: date) -> list[Q]:
    """The lists of each rank of queries.sorted_lists' light sort, worst first."""
    lit = [IN_PROGRESS & light_q(wanted, today, "working_due", "working_deadline") for wanted in (RED, YELLOW, GREEN)]
    return [*lit, ~IN_PROGRESS]


def page_ids(qs: QuerySet[ResponsibilityList], sort: str, today: date, offset: int, limit: int) -> list[int]:
    """The ids of lists `offset` … `offset + limit` of `qs` in the order `sort` (queries.SORTS)."""
    sort = queries.check_sort(sort)
    if sort.removeprefix("-") != "light":
        ordered = queries.sorted_lists(queries.with_lights(qs), sort, today)
        return list(ordered.values_list("id", flat=True)[offset : offset + limit])
    segments = light_segments(today)
    if sort.startswith("-"):
        segments.reverse()
    ids: list[int] = []
    for segment in segments:
        if len(ids) >= limit:
            break
        part = qs.filter(segment).order_by(*WITHIN_LIGHT)
        if offset:
            skipped = part.count()
            if offset >= skipped:
                offset -= skipped
                continue
        ids += part.values_list("id", flat=True)[offset : offset + limit - len(ids)]
        offset = 0
    return ids


class ListPages:
    """The index's rows as a paginator reads them: a count, and slices fetched by page_ids with what
    the index shows of each list (queries.index_rows: leader, units, last reports)."""

    def __init__(self, qs: QuerySet[ResponsibilityList], sort: str, today: date) -> None:
        self.qs, self.sort, self.today = qs, sort, today

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> ResponsibilityList: ...
    @overload
    def __getitem__(self, index: slice) -> list[ResponsibilityList]: ...
    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        ids = page_ids(self.qs, self.sort, self.today, start, stop - start)
        rows = queries.index_rows(ResponsibilityList.objects.filter(pk__in=ids), self.sort, self.today)
        by_id = {r.pk: r for r in rows}
        return [by_id[i] for i in ids]
