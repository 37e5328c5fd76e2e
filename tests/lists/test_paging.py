"""The index's pages read light segment by light segment give exactly the rows, in the order, of the
one sorted query over every list, at every offset."""

from datetime import timedelta

import pytest

from luoshi.lists import changes, queries
from luoshi.lists.models import ResponsibilityList
from luoshi.lists.paging import page_ids
from tests.conftest import NOW
from tests.lists.test_sorting import add_lists


@pytest.mark.parametrize("sort", ["light", "-light", "deadline", "-title"])
def test_paged_ids_follow_the_one_sorted_query(office, leader, liaison_a, unit_a, unit_b, sort):
    add_lists(office, leader, unit_a, unit_b, liaison_a, 14)
    lists = list(ResponsibilityList.objects.order_by("pk"))
    changes.do_suspend(office, lists[1], "等待政策", now=NOW)
    changes.do_cancel(office, lists[2], "事项取消", now=NOW)
    qs = ResponsibilityList.objects.all()
    for days in (0, 5, 12, 30):  # every light in turn, as the days pass
        today = NOW.date() + timedelta(days=days)
        expected = list(queries.sorted_lists(queries.with_lights(qs), sort, today).values_list("id", flat=True))
        for offset in range(0, len(expected) + 2):
            assert page_ids(qs, sort, today, offset, 4) == expected[offset : offset + 4], (days, offset)

