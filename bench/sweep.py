"""Time the escalation sweep over many open duties (lists' obligations) of which a share is due.

    uv run python bench/sweep.py                              # 200,000 open obligations, 5% due, SQLite
    uv run python bench/sweep.py --obligations 50000 --due 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_sweep uv run python bench/sweep.py

Prints the build time, the first sweep (takes a step for every due item), a second one (nothing new
to do) and a third after --more duties fell due (costs what those few cost). The URL configuration is
loaded before the timings, as in a running server or worker (a first notice in a new process pays ~0.5 s).
"""

import argparse
import os
import random
import time
from datetime import datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
os.environ.setdefault("LUOSHI_VAR_DIR", str(OUT / "sweep"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from luoshi import bulk  # noqa: E402
from luoshi.duties.models import (  # noqa: E402
    Duty,
    Episode,
    Escalation,
)
from luoshi.duties.sweep import sweep  # noqa: E402
from luoshi.events.models import Counter, Event  # noqa: E402
from luoshi.lists.models import ResponsibilityList  # noqa: E402
from luoshi.notify.models import Delivery, Notification  # noqa: E402
from luoshi.org.models import Person, Unit  # noqa: E402

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))  # a Wednesday


def reset() -> None:
    with transaction.atomic():
        # Raw deletes, children first: no per-row cascade collection over 200,000 duties.
        for model in (Delivery, Notification, Escalation, Episode, Event, Counter, Duty, ResponsibilityList):
            model.objects.all()._raw_delete(model.objects.db)
        Person.objects.all().delete()
        Unit.objects.all().delete()


def build(n_obligations: int, n_due: int) -> None:
    """Lists of two open duties each, a shuffled `n_due` of them late by 1–6 days (luoshi.bulk rows)."""
    rng = random.Random(7)
    today = NOW.date()
    per_list = 2
    list_type = ContentType.objects.get_for_model(ResponsibilityList)
    with transaction.atomic():
        units = Unit.objects.bulk_create(Unit(name=f"单位{i:03d}", kind="department") for i in range(200))
        office = Person.objects.create(username="sweep_office", roles=["office"])
        Person.objects.bulk_create(
            Person(username=f"u{u.pk}_{role}", roles=[role], unit=u) for u in units for role in ("liaison", "unit_head")
        )
        due_flags = [True] * n_due + [False] * (n_obligations - n_due)
        rng.shuffle(due_flags)
        n_lists = n_obligations // per_list
        list_ids = bulk.insert(
            ResponsibilityList,
            ["code", "year", "source", "title", "deadline", "report_every_days", "status"],
            (
                (f"B-{i}", today.year, "work_point", "任务", today + timedelta(days=200), 30, "in_progress")
                for i in range(n_lists)
            ),
            fixed={"created_by_id": office.pk, "created_at": NOW, "published_at": NOW},
            returning=True,
        )
        bulk.insert(
            Duty,
            ["owner_id", "code", "unit_id", "role", "next_report_due"],
            (
                (
                    list_id,
                    f"B-{i}",
                    units[(i + k) % len(units)].pk,
                    "lead" if k == 0 else "co",
                    today - timedelta(days=rng.randint(1, 6))
                    if due_flags[i * per_list + k]
                    else today + timedelta(days=rng.randint(10, 60)),
                )
                for i, list_id in enumerate(list_ids)
                for k in range(per_list)
            ),
            fixed={
                "owner_type_id": list_type.pk,
                "title": "任务",
                "report_every_days": 30,
                "status": "open",
                "deadline": today + timedelta(days=200),
            },
        )


def fall_due(n: int) -> None:
    """`n` more duties fall due (their report is a day late), as between two sweeps."""
    ids = list(Duty.objects.filter(next_report_due__gt=NOW.date()).order_by("pk").values_list("pk", flat=True)[:n])
    Duty.objects.filter(pk__in=ids).update(next_report_due=NOW.date() - timedelta(days=1))


def timed(label: str, now: datetime) -> None:
    t = time.perf_counter()
    counts = sweep(now)
    elapsed = time.perf_counter() - t
    taken = {k: v for k, v in counts.items() if v}
    print(f"  {label:<44} {elapsed:6.2f} s   {taken}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--obligations", type=int, default=200_000)
    parser.add_argument("--due", type=int, default=None, help="default: 5%% of --obligations")
    parser.add_argument("--more", type=int, default=100, help="duties falling due before the third sweep")
    args = parser.parse_args()
    n_due = args.due if args.due is not None else args.obligations // 20
    (OUT / "sweep").mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    reset()
    t = time.perf_counter()
    build(args.obligations, n_due)
    print(
        f"database {connection.vendor}: built {args.obligations} open obligations, {n_due} due, "
        f"in {time.perf_counter() - t:.1f} s"
    )
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum / a DBA would have them
        cursor.execute("ANALYZE")
    reverse("lists:loop", args=[1])  # the URL configuration, loaded once per process
    timed("first sweep (a step for every due item)", NOW)
    timed("second sweep (nothing new)", NOW)
    fall_due(args.more)
    timed(f"third sweep ({args.more} more fell due)", NOW)


if __name__ == "__main__":
    main()
