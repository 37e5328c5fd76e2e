"""`luoshi worker`: Django's task queue in the database, plus a scheduler for the periodic jobs.

Any number of workers may run: each periodic run is claimed by one conditional UPDATE, each queued
task by django-tasks-db's SKIP LOCKED claim, and the sweep itself claims obligations with SKIP LOCKED.
"""

import logging
import threading
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, close_old_connections
from django.utils import timezone

if TYPE_CHECKING:
    from django_tasks.base import Task

log = logging.getLogger(__name__)


def jobs() -> dict[str, tuple[int, "Task"]]:
    """The jobs that send to people (the sweep's notices, the deliveries): in working hours only."""
    from luoshi.cockpit.tasks import scheduled as bulletin_jobs
    from luoshi.duties.tasks import run_sweep
    from luoshi.frontline import config as frontline_config
    from luoshi.frontline.tasks import remind_frontline
    from luoshi.notify.tasks import deliver

    return {
        "sweep": (settings.LUOSHI_SWEEP_EVERY_SECONDS, run_sweep),
        "deliver": (settings.LUOSHI_DELIVER_EVERY_SECONDS, deliver),
        "frontline": (frontline_config.remind_every_seconds(), remind_frontline),
        **bulletin_jobs(),  # the weekly bulletin (督查通报): on Mondays
    }


def round_the_clock_jobs() -> dict[str, tuple[int, "Task"]]:
    """The jobs that send to nobody outside (the inbox at most): at any hour."""
    from luoshi.duties.tasks import run_late_signs
    from luoshi.events.tasks import anchor_chain
    from luoshi.ledger.tasks import refresh_forecasts
    from luoshi.public.tasks import take_in_intake

    return {
        "anchor": (settings.LUOSHI_ANCHOR_EVERY_SECONDS, anchor_chain),
        # Hour-counted sign-fors (the hotline's 2 or 24 hours) are urged at any hour, in the inbox.
        "late_signs": (settings.LUOSHI_SWEEP_EVERY_SECONDS, run_late_signs),
        "forecasts": (settings.LUOSHI_FORECAST_EVERY_SECONDS, refresh_forecasts),
        # The public form's queue: a citizen's problem awaits triage within seconds.
        "intake": (settings.LUOSHI_PUBLIC_INTAKE_EVERY_SECONDS, take_in_intake),
    }


def claim(name: str, every_seconds: int, now=None) -> bool:
    """True for exactly one caller per period, however many workers ask at once."""
    from luoshi.events.models import ScheduledJob

    now = now or timezone.now()
    nxt = now + timedelta(seconds=every_seconds)
    if ScheduledJob.objects.filter(name=name, next_run_at__lte=now).update(next_run_at=nxt, last_run_at=now):
        return True
    try:
        ScheduledJob.objects.create(name=name, next_run_at=nxt, last_run_at=now)
        return True
    except IntegrityError:
        return False


def enqueue_due_jobs() -> list[str]:
    """Enqueue the periodic jobs whose period has passed. Those that send to people wait for working
    hours: the first tick after 08:30 does the morning's work (`luoshi escalate` by hand still runs at
    once); the chain's anchor runs at any hour."""
    from luoshi.workdays.hours import in_working_hours

    due = {**jobs(), **round_the_clock_jobs()} if in_working_hours(timezone.now()) else round_the_clock_jobs()
    enqueued = []
    for name, (every, task) in due.items():
        if claim(name, every):
            task.enqueue()
            enqueued.append(name)
    return enqueued


def _schedule_forever(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            for name in enqueue_due_jobs():
                log.info("enqueued %s", name)
        except Exception:  # the scheduler must survive a database hiccup
            log.exception("scheduler tick failed")
        stop.wait(1.0)


def run(interval: float = 1.0) -> None:
    from django.core.management import call_command

    stop = threading.Event()
    threading.Thread(target=_schedule_forever, args=(stop,), name="luoshi-scheduler", daemon=True).start()
    print(
        f"Luoshi worker: sweep every {settings.LUOSHI_SWEEP_EVERY_SECONDS} s, deliveries every "
        f"{settings.LUOSHI_DELIVER_EVERY_SECONDS} s, in working hours {settings.LUOSHI_DELIVERY_HOURS} "
        "(Ctrl+C stops it)",
        flush=True,
    )
    try:
        call_command("db_worker", interval=interval, verbosity=1)
    finally:
        stop.set()
        time.sleep(0)
