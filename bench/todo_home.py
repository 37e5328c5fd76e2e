"""The to-do home's cost per role on an existing database: todo_for's median, the page's, and each query's.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_bench uv run python bench/todo_home.py
    LUOSHI_VAR_DIR=/tmp/x uv run python bench/todo_home.py office gxw_liaison     # the demo city's people

Read-only. With no usernames it takes the office, the leader with most lists and the liaison of the unit
with most open work. In-process (no network); rough on a shared machine.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from luoshi.duties.models import Duty  # noqa: E402
from luoshi.lists.models import ResponsibilityList  # noqa: E402
from luoshi.org.models import Person  # noqa: E402
from luoshi.web.todo import todo_for  # noqa: E402

REPEAT = 7


def default_people() -> list[Person]:
    people = [p for p in Person.objects.order_by("pk") if p.is_office and not p.is_staff][:1]
    leader = ResponsibilityList.objects.values("leader").annotate(n=Count("pk")).order_by("-n").first()
    if leader:
        people.append(Person.objects.get(pk=leader["leader"]))
    unit = Duty.objects.filter(status="open").values("unit").annotate(n=Count("pk")).order_by("-n").first()
    if unit:
        liaison = Person.objects.filter(unit_id=unit["unit"]).exclude(roles=[]).first()
        if liaison:
            people.append(liaison)
    return people


def median_ms(fn) -> float:
    fn()
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    people = [Person.objects.get(username=u) for u in sys.argv[1:]] or default_people()
    print(f"{ResponsibilityList.objects.count()} lists, {Duty.objects.count()} duties ({connection.vendor})")
    for person in people:
        client = Client()
        client.force_login(person)
        todo = todo_for(person)
        with CaptureQueriesContext(connection) as ctx:
            todo_for(person)
        queries = list(ctx.captured_queries)  # before the page's request resets the log
        print(
            f"\n{person.username} ({', '.join(person.roles)}): todo_for {median_ms(lambda p=person: todo_for(p)):.1f} ms, "
            f"page {median_ms(lambda c=client: c.get('/')):.1f} ms, {len(queries)} queries, "
            f"counts {todo.counts}"
        )
        for q in queries:
            print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:110]}")


if __name__ == "__main__":
    main()
