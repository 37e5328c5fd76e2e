"""The public web form's queue: a submission is one row (Intake), inserted by the request; the worker takes
the rows in as problems in batches (`take_in`), with their "received" events, so that the form takes
hundreds of problems a second while every problem still enters through one path and one timeline.

A row stays after it is taken until its challenge has expired (pow.lifetime): its unique challenge digest
is the challenge's spend, so a challenge sent again within its lifetime finds the first row and its code.

The queue is bounded (LUOSHI_PUBLIC_INTAKE_MAX_WAITING): when the worker stops or falls behind, the form
refuses new submissions (Full, a 503) rather than letting the table grow without end."""

import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from luoshi import bulk
from luoshi.errors import ServiceError
from luoshi.events.models import Event
from luoshi.events.services import build
from luoshi.public import pow, throttle
from luoshi.public.models import Category, Channel, Intake, Problem

BATCH = 500
# How old the waiting count may be (seconds), and how long a refused sender is asked to wait.
RECOUNT_SECONDS = 1.0
RETRY_AFTER_SECONDS = 60


class Full(ServiceError):
    """The queue holds as many submissions as it may: 503, with the seconds to wait (Retry-After)."""

    status = 503

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, None)
        self.retry_after = retry_after


def max_waiting() -> int:
    return int(getattr(settings, "LUOSHI_PUBLIC_INTAKE_MAX_WAITING", 100_000))


# The check runs on every submission (hundreds a second), so it must not count the queue each time: each
# process keeps an estimate, recounted at most once a second, and raised by its own submissions between two
# counts, so that one process alone never passes the bound. The recount is a COUNT over a LIMIT subquery,
# reading at most `bound` rows however long the queue has grown. The processes together may pass the bound
# by what the others queue in one second: a soft bound, enough to stop the growth.
_lock = threading.Lock()
_estimate: dict[str, float] = {}  # "n": rows waiting, "at": time.monotonic() of the count, "bound": its bound


def count_waiting(bound: int) -> int:
    """How many submissions wait to be taken in, counted up to `bound`."""
    return Intake.objects.filter(problem__isnull=True).order_by()[:bound].count()


def check_room() -> None:
    """Refuse (Full) a submission while the queue is at its bound; a bound of 0 or less: no bound."""
    bound = max_waiting()
    if bound <= 0:
        return
    now = time.monotonic()
    with _lock:
        fresh = _estimate.get("bound") == bound and now - _estimate.get("at", -RECOUNT_SECONDS) < RECOUNT_SECONDS
        n = _estimate.get("n", 0)
    if not fresh:
        n = count_waiting(bound)  # outside the lock: two threads counting at once is harmless
        with _lock:
            _estimate.update(n=n, at=now, bound=bound)
    if n >= bound:
        raise Full(
            _(
                "Too many problems are waiting to be registered just now, so yours was not sent. "
                "Please try again in a few minutes, or call the 12345 hotline."
            ),
            retry_after=RETRY_AFTER_SECONDS,
        )


def forget_count() -> None:
    """Count again at the next check (after this process took rows in, and between tests)."""
    with _lock:
        _estimate.clear()


def _queued_one() -> None:
    with _lock:
        if "n" in _estimate:
            _estimate["n"] += 1


def put(code: str, challenge_digest: str, address_digest: str, now: datetime, fields: dict) -> bool:
    """Queue a checked submission (intake.clean's fields); False when its challenge was queued before.
    INSERT … ON CONFLICT DO NOTHING (raw SQL, the same on SQLite and PostgreSQL): a concurrent second use
    of one challenge waits for the first and inserts nothing, without an error that would abort the
    transaction, and the first use pays no lookup."""
    table = connection.ops.quote_name(Intake._meta.db_table)
    row = {
        "code": code,
        "challenge_digest": challenge_digest,
        "address_digest": address_digest,
        "received_at": connection.ops.adapt_datetimefield_value(now),
        "category_id": fields["category"].pk,
        "content": fields["content"],
        "place": fields["place"],
        "reporter_name": fields["reporter_name"],
        "reporter_contact": fields["reporter_contact"],
        "reporter_consents": fields["reporter_consents"],
        "lat": connection.ops.adapt_decimalfield_value(fields["lat"], 9, 6),
        "lon": connection.ops.adapt_decimalfield_value(fields["lon"], 9, 6),
    }
    columns = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT (challenge_digest) DO NOTHING",
            list(row.values()),
        )
        queued = cursor.rowcount == 1
    if queued:
        _queued_one()
    return queued


def code_of(challenge_digest: str) -> str | None:
    """The tracking code an earlier use of the challenge was given (queued or taken in)."""
    queued = Intake.objects.filter(challenge_digest=challenge_digest).values_list("code", flat=True).first()
    if queued:
        return queued
    return Problem.objects.filter(submission_key=challenge_digest).values_list("code", flat=True).first()


def waiting(code: str) -> Intake | None:
    """The queued row of a tracking code not yet taken in."""
    return Intake.objects.filter(code=code, problem__isnull=True).first()


def take_in(now: datetime | None = None, batch: int = BATCH) -> int:
    """Take up to `batch` queued submissions in as problems (pending triage), each with its "problem.received"
    event at the time it arrived; returns how many. Rows another worker holds are skipped, never waited for
    (PostgreSQL SKIP LOCKED; SQLite writes one transaction at a time), and a problem's unique submission key
    (the challenge digest) keeps a row from ever making two."""
    with transaction.atomic():
        rows = list(
            Intake.objects.select_for_update(skip_locked=True).filter(problem__isnull=True).order_by("pk")[:batch]
        )
        if not rows:
            return 0
        names = dict(Category.objects.filter(pk__in={r.category_id for r in rows}).values_list("pk", "name"))
        problems = Problem.objects.bulk_create(
            Problem(
                code=r.code,
                channel=Channel.WEB,
                category_id=r.category_id,
                content=r.content,
                place=r.place,
                reporter_name=r.reporter_name,
                reporter_contact=r.reporter_contact,
                reporter_consents=r.reporter_consents,
                lat=r.lat,
                lon=r.lon,
                created_at=r.received_at,
                submission_key=r.challenge_digest,
                address_digest=r.address_digest,
            )
            for r in rows
        )
        Event.objects.bulk_create(
            build(
                None,
                "problem.received",
                "problem",
                p.pk,
                at=p.created_at,
                after={"channel": p.channel, "category": names.get(p.category_id, ""), "status": p.status},
            )
            for p in problems
        )
        for r, p in zip(rows, problems, strict=True):
            r.problem_id = p.pk
        bulk.update(Intake, ["problem"], rows)
    forget_count()
    if now is not None:
        purge(now)
    return len(rows)


def purge(now: datetime, batch: int = 1000) -> int:
    """Delete up to `batch` taken rows whose challenge can no longer be sent, and the senders whose window
    has passed."""
    until = now - timedelta(seconds=pow.lifetime() + pow.CLOCK_SKEW_SECONDS)
    old = (
        Intake.objects.filter(problem__isnull=False, received_at__lt=until)
        .order_by()
        .values_list("pk", flat=True)[:batch]
    )
    gone = Intake.objects.filter(pk__in=list(old)).delete()[0]
    return gone + throttle.purge(now, batch)
