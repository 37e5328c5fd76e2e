"""What the audit trail's SM3 chain costs a write: reports filed per second with and without it.

    uv run python bench/chain.py                                   # SQLite under bench/out/chain
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_chain uv run python bench/chain.py --writers 4

Builds (once) a city of --units units, each the lead unit of --lists lists, then files --reports reports
per writer through duties.services.do_report (the path every report takes: its transaction records the
events that the commit chains), from --writers threads at once, each on its own units' duties. "without"
replaces the seal with a no-op for the run (rows stay unchained), which no server can do.
"""

import argparse
import os
import statistics
import threading
import time
from datetime import date, datetime
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
os.environ.setdefault("LUOSHI_VAR_DIR", str(OUT / "chain"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
Path(os.environ["LUOSHI_VAR_DIR"]).mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from luoshi import bulk  # noqa: E402
from luoshi.duties.models import Duty  # noqa: E402
from luoshi.duties.services import do_report  # noqa: E402
from luoshi.events import chain  # noqa: E402
from luoshi.events.models import Event  # noqa: E402
from luoshi.lists import services  # noqa: E402
from luoshi.org.models import Person, Unit  # noqa: E402

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


def build(units: int, lists: int) -> None:
    if Unit.objects.filter(name__startswith="链测单位").exists():
        return
    office = Person.objects.create(username="chain_office", roles=["office"])
    for u in range(units):
        unit = Unit.objects.create(name=f"链测单位{u:03d}", kind="department")
        Person.objects.create(username=f"chain_liaison{u:03d}", roles=["liaison"], unit=unit)
        for n in range(lists):
            rlist = services.do_create_list(
                office,
                source="meeting",
                title=f"链测任务{u}-{n}",
                content="",
                leader=None,
                lead_unit=unit,
                co_units=[],
                deadline=date(2026, 12, 31),
                report_every_days=7,
                now=DAY,
            )
            services.do_publish(office, rlist, now=DAY)


def writer(units: list[Unit], reports: int, times: list[float]) -> None:
    liaisons = {p.unit_id: p for p in Person.objects.filter(unit__in=units, username__startswith="chain_liaison")}
    duties = list(Duty.objects.filter(unit__in=units).order_by("id"))
    try:
        for i in range(reports):
            duty = duties[i % len(duties)]
            start = time.perf_counter()
            do_report(liaisons[duty.unit_id], duty, progress=min(99, i % 100), done=f"第{i}次报送：已完成阶段工作。")
            times.append(time.perf_counter() - start)
    finally:
        connection.close()


def run(label: str, writers: int, reports: int) -> float:
    units = list(Unit.objects.filter(name__startswith="链测单位").order_by("id"))
    share = [units[w::writers] for w in range(writers)]
    times: list[list[float]] = [[] for _ in range(writers)]
    threads = [threading.Thread(target=writer, args=(share[w], reports, times[w])) for w in range(writers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    all_times = sorted(t for ts in times for t in ts)
    rate = len(all_times) / wall
    p95 = all_times[int(len(all_times) * 0.95)]
    print(
        f"{label:<8} {len(all_times):>6} reports in {wall:6.2f} s: {rate:7.1f} /s, median "
        f"{statistics.median(all_times) * 1000:5.1f} ms, p95 {p95 * 1000:5.1f} ms",
        flush=True,
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=16)
    parser.add_argument("--lists", type=int, default=4, help="lists per unit")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--reports", type=int, default=200, help="per writer and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--fill", type=int, default=0, help="first add this many events (5,000 a commit), to time verify"
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    build(args.units, args.lists)
    print(f"{connection.vendor}: {args.writers} writers × {args.reports} reports, {args.rounds} rounds each way")
    sealed = chain.seal
    with_chain, without = [], []
    for _ in range(args.rounds):
        with_chain.append(run("with", args.writers, args.reports))
        chain.seal = lambda connection, token: 0  # type: ignore[assignment,misc]
        try:
            without.append(run("without", args.writers, args.reports))
        finally:
            chain.seal = sealed
    a, b = statistics.median(with_chain), statistics.median(without)
    print(f"median reports/s: with the chain {a:.1f}, without {b:.1f}: the chain costs {(1 - a / b) * 100:.1f} %")
    Event.objects.filter(seq__isnull=True).delete()  # the unchained rows of the runs without
    if args.fill:
        start = time.perf_counter()
        now = timezone.now()
        for first in range(0, args.fill, 5000):
            rows = [
                ("bench.fill", "duty", i, {"step": "urge", "n": i}) for i in range(first, min(args.fill, first + 5000))
            ]
            bulk.insert(Event, ["kind", "subject_type", "subject_id", "after"], rows, fixed={"at": now})
        print(f"filled {args.fill} events in {time.perf_counter() - start:.1f} s (sealed 5,000 a commit)")
    start = time.perf_counter()
    result = chain.verify()
    seconds = time.perf_counter() - start
    print(f"{result} in {seconds:.2f} s ({result.checked / seconds:,.0f} rows/s)")


if __name__ == "__main__":
    main()
