"""A small city's week for the bulletin's tests: the week of Mon 2026-03-02 to Sun 03-08, read on Mon 03-09.

- 推进兰州新区产业园区建设: published on 02-02 (reports weekly), never reported on: red in the week;
- 完成老旧小区改造: published on 03-02, completed and struck off on 03-06 (in the week);
- 新发布的清单: published on 03-04 (in the week)."""

from datetime import date, datetime, time

from luoshi.duties import completion
from luoshi.duties import services as duty_services
from luoshi.lists import completion as list_completion
from luoshi.lists.models import ResponsibilityList
from tests.conftest import SHANGHAI
from tests.duties.conftest import publish

WEEK = (date(2026, 3, 2), date(2026, 3, 8))
MONDAY_AFTER = datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def build_week(office, leader, unit_a, unit_b, liaison_a) -> dict[str, ResponsibilityList]:
    red = publish(office, unit_a, [unit_b], leader=leader, title="推进兰州新区产业园区建设", day=date(2026, 2, 2))
    done = publish(office, unit_a, leader=leader, title="完成老旧小区改造", day=date(2026, 3, 2), every=14)
    duty = done.duties.get(unit=unit_a)
    duty_services.do_report(
        liaison_a, duty, progress=100, done="改造完成", request_completion=True, now=at(date(2026, 3, 5))
    )
    duty.refresh_from_db()
    completion.do_accept(office, duty, now=at(date(2026, 3, 6)))
    list_completion.do_close(office, done, now=at(date(2026, 3, 6), 11))
    new = publish(office, unit_b, leader=leader, title="新发布的清单", day=date(2026, 3, 4), every=14)
    return {"red": red, "done": done, "new": new}
