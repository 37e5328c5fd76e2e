"""The background job: queued until a worker takes it (once), its progress kept on the row, every
ending a state the page can show (done, or failed with the problems or the reason)."""

import pytest
import time_machine

from luoshi.ledger import import_jobs
from luoshi.ledger.models import LedgerImport, Task
from tests.conftest import NOW
from tests.ledger.fixtures.books import in_english, row, xlsx  # noqa: F401  (a fixture)

pytestmark = pytest.mark.usefixtures("in_english")
GOOD = [row(专项="重大项目", 任务名称="第二水源地建设", 完成时限="2026-12-31", 牵头单位="市工信委")]


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_queued_import_is_run_once_and_ends_done(office, ledger, unit_a):
    job, queued = import_jobs.do_queue_import(office, ledger, xlsx(GOOD), "台账.xlsx")
    assert queued and (job.status, job.progress) == ("queued", 0)
    assert import_jobs.process(job.pk) == "done"
    assert import_jobs.process(job.pk) == "taken"  # a second worker finds it taken
    job.refresh_from_db()
    assert (job.status, job.progress, job.created, job.errors) == ("done", 100, 1, [])
    assert job.finished_at is not None and Task.objects.count() == 1


def test_an_unexpected_error_fails_the_import_with_words_and_writes_nothing(office, ledger, unit_a, monkeypatch):
    job, _queued = import_jobs.do_queue_import(office, ledger, xlsx(GOOD), "台账.xlsx")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(import_jobs, "do_import", broken)
    assert import_jobs.process(job.pk) == "failed"
    job.refresh_from_db()
    assert job.errors == [{"row": None, "column": "", "message": job.errors[0]["message"]}]
    assert "unexpected error" in job.errors[0]["message"] and "boom" not in job.errors[0]["message"]
    assert Task.objects.count() == 0


def test_a_ledger_opened_after_the_upload_fails_the_import_for_want_of_a_reason(office, ledger, tree, unit_a):
    from luoshi.ledger import services

    job, _queued = import_jobs.do_queue_import(office, ledger, xlsx(GOOD), "台账.xlsx")
    services.do_open_ledger(office, ledger)
    assert import_jobs.process(job.pk) == "failed"
    job.refresh_from_db()
    assert "give the reason" in job.errors[0]["message"]


def test_many_problems_are_kept_with_a_count_of_the_rest(office, ledger, monkeypatch):
    monkeypatch.setattr(import_jobs, "MAX_PROBLEMS", 3)
    rows = [row(专项="重大项目", 任务名称=f"任务{i}", 完成时限="6月底") for i in range(5)]
    job, _queued = import_jobs.do_queue_import(office, ledger, xlsx(rows), "台账.xlsx")
    import_jobs.process(job.pk)
    job.refresh_from_db()
    assert [e["row"] for e in job.errors] == [3, 4, 5, None]
    assert job.errors[-1]["message"] == "… and 2 more problems."
    assert LedgerImport.objects.get().status == "failed"
