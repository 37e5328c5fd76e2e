"""Time the escalation sweep over many open duties (lists' obligations) of which a share is due.

    uv run python bench/sweep.py                              # 200,000 open obligations, 5% due, SQLite
    uv run python bench/sweep.py --obligations 50000 --due 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_sweep uv run python bench/sweep.py

Prints the first sweep (takes a step for every due item) and a second one (nothing new to do).
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
from django.utils import timezone  # noqa: E402

from luoshi.duties.models import (  # noqa: E402
    Duty,
    Episode,
    Escalation,
)
from luoshi.duties.sweep import sweep  # noqa: E402
from luoshi.events.models import Counter, Event  # noqa: E402
from luoshi.lists.models import ResponsibilityList  # noqa: E402
from luoshi.notify.models import Notification  # noqa: E402
from luoshi.org.models import Person, Unit  # noqa: E402

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))  # a Wednesday


def reset() -> None:
    with transaction.atomic():
        for model in (Notification, Escalation, Episode, Event, Counter, Duty, ResponsibilityList):
            model.objects.all().delete()
        Person.objects.all().delete()
        Unit.objects.all().delete()


def build(n_obligations: int, n_due: int) -> None:
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
        for start in range(0, n_obligations // per_list, 5000):
            count = min(5000, n_obligations // per_list - start)
            lists = ResponsibilityList.objects.bulk_create(
                ResponsibilityList(
                    code=f"B-{start + i}",
                    year=today.year,
                    source="work_point",
                    title="任务",
                    deadline=today + timedelta(days=200),
                    report_every_days=30,
                    status="in_progress",
                    created_by=office,
                    created_at=NOW,
                    published_at=NOW,
                )
                for i in range(count)
            )
            obligations = []
            for i, rl in enumerate(lists):
                for k in range(per_list):
                    due = due_flags[(start + i) * per_list + k]
                    obligations.append(
                        Duty(
                            owner_type=list_type,
                            owner_id=rl.pk,
                            title=rl.title,
                            code=rl.code,
                            report_every_days=rl.report_every_days,
                            status="open",
                            unit=units[(start + i + k) % len(units)],
                            role="lead" if k == 0 else "co",
                            deadline=rl.deadline,
                            next_report_due=today - timedelta(days=rng.randint(1, 6))
                            if due
                            else today + timedelta(days=rng.randint(10, 60)),
                        )
                    )
            Duty.objects.bulk_create(obligations, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--obligations", type=int, default=200_000)
    parser.add_argument("--due", type=int, default=None, help="default: 5%% of --obligations")
    args = parser.parse_args()
    n_due = args.due if args.due is not None else args.obligations // 20
    (OUT / "sweep").mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    reset()
    t = time.perf_counter()
    build(args.obligations, n_due)
    print(
        f"database {connection.vendor}: built {args.obligations} open obligations, {n_due} due, "
        f"in {time.perf_counter() - t:.0f} s"
    )
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum / a DBA would have them
        cursor.execute("ANALYZE")
    for label in ("first sweep (acts on every due item)", "second sweep (nothing new)"):
        t = time.perf_counter()
        counts = sweep(NOW)
        elapsed = time.perf_counter() - t
        taken = {k: v for k, v in counts.items() if v}
        print(f"  {label:<40} {elapsed:6.2f} s   {taken}")


if __name__ == "__main__":
    main()
