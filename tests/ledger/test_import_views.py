"""The import's pages: the upload form with the template and export links, the progress page polled
every second until done, the problems by row and column with the form to send the corrected file."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.ledger import import_jobs
from luoshi.ledger.import_book import MAX_BYTES
from luoshi.ledger.models import LedgerImport, Task
from tests.conftest import NOW
from tests.ledger.fixtures.books import row, run_jobs_at_once, xlsx  # noqa: F401  (a fixture)


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


GOOD = [row(专项="重大项目", 任务名称="第二水源地建设", 完成时限="2026-12-31", 牵头单位="市工信委")]
BAD = [*GOOD, row(专项="重大项目", 任务名称="水厂", 完成时限="6月底", 牵头单位="市水务局")]


def upload(client, ledger, data: bytes, name: str = "台账.xlsx", **fields):
    return client.post(f"/ledger/{ledger.pk}/import/", {"file": SimpleUploadedFile(name, data), **fields})


def test_the_upload_page_has_the_form_the_template_and_the_exports(
    as_, office, ledger, unit_a, leader, django_assert_max_num_queries
):
    client = as_(office)
    for i in range(3):
        upload(client, ledger, xlsx(GOOD), name=f"台账{i}.xlsx")
    with django_assert_max_num_queries(8):  # the recent imports in a fixed number of queries
        response = client.get(f"/ledger/{ledger.pk}/import/")
    assert response.status_code == 200
    html = response.content.decode()
    for part in ('id="import-upload"', "/ledger/import-template.xlsx", f"/ledger/{ledger.pk}/export.xlsx", "市工信委"):
        assert part in html
    assert 'name="reason"' not in html  # a ledger being built needs no reason


def test_only_the_office_has_the_import_pages(as_, liaison_a, leader, opened):
    ledger_id = opened["parent"].ledger_id
    assert as_(liaison_a).get(f"/ledger/{ledger_id}/import/").status_code == 403
    assert upload(as_(liaison_a), opened["parent"].ledger, xlsx(GOOD)).status_code == 403
    assert as_(leader).get(f"/ledger/{ledger_id}/import/").status_code == 403
    assert LedgerImport.objects.count() == 0


def test_an_unknown_ledger_is_404(as_, office):
    assert as_(office).get("/ledger/99999/import/").status_code == 404


@pytest.mark.usefixtures("run_jobs_at_once")
def test_a_good_workbook_is_imported_and_its_page_says_so(as_, office, ledger, unit_a):
    client = as_(office)
    response = upload(client, ledger, xlsx(GOOD))
    job = LedgerImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ledger/import/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-done"' in page and "Tasks created: 1; tasks updated: 0." in page
    assert "hx-trigger" not in page  # done: no more polling
    assert Task.objects.get().title == "第二水源地建设"


@pytest.mark.usefixtures("run_jobs_at_once")
def test_problems_are_listed_by_row_and_column_and_the_corrected_file_goes_in(as_, office, ledger, unit_a):
    client = as_(office)
    page = client.get(upload(client, ledger, xlsx(BAD))["Location"]).content.decode()
    assert 'id="import-failed"' in page and "Nothing was imported: 2 problems to correct." in page
    assert '<th scope="row">4</th><td class="text-nowrap">牵头单位</td>' in page
    assert '<th scope="row">4</th><td class="text-nowrap">完成时限</td>' in page
    assert "“6月底” is ambiguous" in page
    assert 'id="import-upload"' in page  # the way to send it again
    assert Task.objects.count() == 0
    fixed = [GOOD[0], dict(BAD[1], 完成时限="2026-06-30", 牵头单位="市工信委")]
    page = client.get(upload(client, ledger, xlsx(fixed))["Location"]).content.decode()
    assert "Tasks created: 2;" in page and Task.objects.count() == 2


def test_the_progress_page_polls_every_second_until_the_job_is_done(
    as_, office, ledger, unit_a, django_assert_max_num_queries
):
    client = as_(office)
    location = upload(client, ledger, xlsx(GOOD))["Location"]  # queued: no worker runs in tests
    page = client.get(location).content.decode()
    assert 'hx-trigger="every 1s"' in page and "Waiting for the background worker" in page
    with django_assert_max_num_queries(8):
        part = client.get(location, headers={"HX-Request": "true", "HX-Target": "import-progress"})
    assert part.content.decode().startswith('<div id="import-progress"') and "<html" not in part.content.decode()
    import_jobs.process(LedgerImport.objects.get().pk)
    part = client.get(location, headers={"HX-Request": "true", "HX-Target": "import-progress"}).content.decode()
    assert "hx-trigger" not in part and "Tasks created: 1;" in part and "ls-pct-100" in part


def test_an_open_ledger_asks_for_the_reason(as_, office, opened):
    ledger = opened["parent"].ledger
    client = as_(office)
    assert 'name="reason"' in client.get(f"/ledger/{ledger.pk}/import/").content.decode()
    response = upload(client, ledger, xlsx(GOOD))
    assert response.status_code == 400
    assert "give the reason" in response.content.decode()
    assert upload(client, ledger, xlsx(GOOD), reason="市委常委会新增").status_code == 302


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"not a workbook at all", "a.xlsx", "not an Excel .xlsx file"),
        (b"%PDF\x00\x01\x02\x03" * 100, "a.pdf", "not an Excel workbook"),
        (xlsx([row(专项="重大项目", 任务名称="a_x0000_b", 完成时限="2026-12-31")]), "a.xlsx", "Row 3, column 任务名称"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_400_saying_why(as_, office, ledger, data, name, words):
    response = upload(as_(office), ledger, data, name)
    assert response.status_code == 400
    assert words in response.context["error"]
    assert LedgerImport.objects.count() == 0


def test_a_file_past_the_limit_is_refused_before_it_is_read(as_, office, ledger):
    response = upload(as_(office), ledger, b"x" * (MAX_BYTES + 100_000), "big.csv")
    assert response.status_code == 400 and "larger than 10 MB" in response.context["error"]


def test_no_file_is_a_400_on_the_field(as_, office, ledger):
    response = as_(office).post(f"/ledger/{ledger.pk}/import/", {})
    assert response.status_code == 400 and response.context["form"].errors["file"]


def test_a_double_submission_queues_one_import(as_, office, ledger, unit_a):
    client = as_(office)
    data = xlsx(GOOD)  # one file sent twice (a workbook written a second later carries another timestamp)
    first = upload(client, ledger, data)
    second = upload(client, ledger, data)
    assert first["Location"] == second["Location"]
    assert LedgerImport.objects.count() == 1


def test_the_status_of_an_import_is_the_offices(as_, office, liaison_a, ledger, unit_a):
    location = upload(as_(office), ledger, xlsx(GOOD))["Location"]
    assert as_(liaison_a).get(location).status_code == 403
    assert as_(office).get("/ledger/import/99999/").status_code == 404
