"""Workbook imports in the background (django-tasks: `luoshi worker` runs them; in tests the task
backend may run them at once). The upload is read as a file at once (import_book.read_book: a file
that cannot be used is a 400 before anything is queued); the job checks the rows against the ledger
and writes them, all or nothing, keeping its status, progress and problems on the LedgerImport row
that the page polls and GET /api/v1/imports/{id} answers.

The progress is written between the steps (reading 0–35 %, checking 35–70 %), each write its own
commit; the writing itself is one transaction, so the bar stands at 75 % until it commits.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from luoshi.duties.services import require_office, resolve_now
from luoshi.errors import ServiceError
from luoshi.events.services import record
from luoshi.ledger import services
from luoshi.ledger.import_apply import ImportRejected, do_import
from luoshi.ledger.import_book import read_book
from luoshi.ledger.import_check import Problem, check_book
from luoshi.ledger.models import Ledger, LedgerImport
from luoshi.ledger.models_cycle import ImportStatus
from luoshi.org.models import Person

log = logging.getLogger(__name__)
MAX_PROBLEMS = 1000  # kept on the row; the count of the rest is said in a last one
REPEAT_WINDOW = timedelta(minutes=10)
PROGRESS_EVERY = 0.5  # seconds between progress writes


def do_queue_import(
    actor: Person, ledger: Ledger, data: bytes, filename: str, *, reason: str = "", now: datetime | None = None
) -> tuple[LedgerImport, bool]:
    """Check the file as a file, keep it and queue its import; (import, queued). The same file sent
    again by the same person while its import is queued, running or just done is that import (a double
    click imports once; re-sending rows without codes would create their tasks twice)."""
    require_office(actor)
    now = resolve_now(now)
    services._writable(ledger, reason)
    read_book(data, filename)  # BookFileError: a 400 naming the problem, nothing kept
    recent = LedgerImport.objects.filter(ledger=ledger, by=actor, filename=filename[:200], at__gte=now - REPEAT_WINDOW)
    for job in recent.exclude(status=ImportStatus.FAILED).order_by("-id"):
        if bytes(job.content) == data:
            return job, False
    with transaction.atomic():
        job = LedgerImport.objects.create(ledger=ledger, filename=filename[:200], content=data, by=actor, at=now)
        record(
            actor,
            "ledger.import_queued",
            "ledger",
            ledger.pk,
            after={"import": job.pk, "file": filename[:200], "bytes": len(data)},
            note=reason.strip(),
            at=now,
        )
    run_import.enqueue(job.pk, reason, translation.get_language() or settings.LANGUAGE_CODE)
    return job, True


@task()
def run_import(import_id: int, reason: str = "", language: str = "zh-hans") -> str:
    with translation.override(language):
        return process(import_id, reason)


def _progress(job: LedgerImport, start: int, span: int) -> Callable[[float], None]:
    last = [0.0]

    def report(fraction: float) -> None:
        if time.monotonic() - last[0] < PROGRESS_EVERY:
            return
        last[0] = time.monotonic()
        job.progress = start + round(span * min(max(fraction, 0.0), 1.0))
        LedgerImport.objects.filter(pk=job.pk).update(progress=job.progress)

    return report


def process(import_id: int, reason: str = "") -> str:
    """Run one queued import to its end; its status. A second worker finds it taken and leaves it."""
    if not LedgerImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, progress=1
    ):
        return "taken"
    job = LedgerImport.objects.select_related("ledger", "by").get(pk=import_id)
    try:
        book = read_book(bytes(job.content), job.filename, _progress(job, 1, 34))
        plan = check_book(job.ledger, book, timezone.localdate(), _progress(job, 35, 35))
        if not plan.ok:
            return _finish(job, ImportStatus.FAILED, plan.problems)
        LedgerImport.objects.filter(pk=job.pk).update(progress=75)
        applied = do_import(job.by, job.ledger, plan, reason=reason, filename=job.filename, column=book.headers)
    except ImportRejected as err:
        return _finish(job, ImportStatus.FAILED, err.problems)
    except ServiceError as err:  # the file, the ledger's state, the actor's rights
        return _finish(job, ImportStatus.FAILED, [Problem(None, "", err.message)])
    except Exception:  # the job must end in a state the page can show
        log.exception("ledger import %s failed", import_id)
        message = _(
            "The import stopped on an unexpected error; nothing was written. Try again, or tell the administrator."
        )
        return _finish(job, ImportStatus.FAILED, [Problem(None, "", message)])
    return _finish(job, ImportStatus.DONE, [], applied.created, applied.updated)


def _finish(job: LedgerImport, status: str, problems: list[Problem], created: int = 0, updated: int = 0) -> str:
    errors = [p.as_dict() for p in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        errors.append({"row": None, "column": "", "message": _("… and %(n)d more problems.") % {"n": more}})
    LedgerImport.objects.filter(pk=job.pk).update(
        status=status, progress=100, errors=errors, created=created, updated=updated, finished_at=timezone.now()
    )
    return status
