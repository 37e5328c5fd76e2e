"""The public web form's queue: a submission is one row (Intake), inserted by the request; the worker takes
the rows in as problems in batches (`take_in`), with their "received" events, so that the form takes
hundreds of problems a second while every problem still enters through one path and one timeline.

A row stays after it is taken until its challenge has expired (pow.lifetime): its unique challenge digest
is the challenge's spend, so a challenge sent again within its lifetime finds the first row and its code."""

from datetime import datetime, timedelta

from django.db import connection, transaction

from luoshi import bulk
from luoshi.events.models import Event
from luoshi.events.services import build
from luoshi.public import pow, throttle
from luoshi.public.models import Category, Channel, Intake, Problem

BATCH = 500


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
        return cursor.rowcount == 1


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
