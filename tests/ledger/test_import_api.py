"""POST /api/v1/ledgers/{id}/imports → 202 and the import's id; GET /api/v1/imports/{id} → its status,
progress, problems by row and column, created and updated. Only the office imports; a file that cannot
be read is a 400 naming the problem; the same file sent twice is imported once."""

import pytest
import time_machine
from django.test import Client

from luoshi.ledger.import_book import MAX_BYTES
from luoshi.ledger.models import LedgerImport, Task
from luoshi.org.models import ApiToken
from tests.conftest import NOW
from tests.ledger.fixtures.books import row, run_jobs_at_once, xlsx  # noqa: F401  (a fixture)

pytestmark = pytest.mark.usefixtures("run_jobs_at_once")


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def post(person, ledger_id: int, data: bytes, name: str = "台账.xlsx", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    headers = {"Authorization": f"Bearer {ApiToken.issue(person)}", "Accept-Language": "en"}
    body = {"file": SimpleUploadedFile(name, data), **fields}
    return client.post(f"/api/v1/ledgers/{ledger_id}/imports", body, headers=headers)


def get(person, path: str):
    headers = {"Authorization": f"Bearer {ApiToken.issue(person)}", "Accept-Language": "en"}
    return Client().get(f"/api/v1{path}", headers=headers)


ROWS = [
    row(专项="重大项目", 任务名称="第二水源地建设", 完成时限="2026-12-31", 牵头单位="市工信委"),
    row(
        专项="民生实事",
        任务名称="棚户区改造",
        完成时限="2026年12月31日",
        牵头单位="城关区",
        指标名称="改造套数",
        计量单位="套",
        年度目标="7,623套",
    ),
]


def test_the_office_imports_a_workbook_and_polls_it_until_done(office, ledger, unit_a, unit_b):
    response = post(office, ledger.pk, xlsx(ROWS))
    assert response.status_code == 202, response.content
    body = response.json()
    assert set(body) == {"id", "status", "progress"}
    status = get(office, f"/imports/{body['id']}").json()
    assert (status["status"], status["progress"], status["errors"]) == ("done", 100, [])
    assert (status["created"], status["updated"]) == (2, 0)
    assert Task.objects.filter(ledger=ledger).count() == 2


def test_a_row_with_problems_fails_the_import_with_each_problem_by_row_and_column(office, ledger, unit_a):
    rows = [
        *ROWS,
        row(
            专项="重大项目",
            任务名称="污水处理厂",
            完成时限="6月底",
            牵头单位="市工信委",
            指标名称="投资",
            计量单位="户",
            年度目标="7,623套",
        ),
    ]
    job = get(office, f"/imports/{post(office, ledger.pk, xlsx(rows)).json()['id']}").json()
    assert job["status"] == "failed" and job["created"] == 0
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(4, "牵头单位"), (5, "完成时限"), (5, "年度目标")]
    assert "“6月底” is ambiguous" in job["errors"][1]["message"]
    assert "counted in 套" in job["errors"][2]["message"]
    assert Task.objects.count() == 0  # 城关区 (row 4's unit) does not exist here: nothing at all is written


def test_a_liaison_cannot_import(liaison_a, opened):
    response = post(liaison_a, opened["parent"].ledger_id, xlsx(ROWS))
    assert response.status_code == 403
    assert LedgerImport.objects.count() == 0


def test_another_persons_import_is_not_found(office, liaison_a, ledger, unit_a, unit_b):
    job_id = post(office, ledger.pk, xlsx(ROWS)).json()["id"]
    assert get(liaison_a, f"/imports/{job_id}").status_code == 404
    assert get(office, "/imports/99999").status_code == 404


def test_an_open_ledger_needs_the_reason(office, opened, unit_a, unit_b):
    ledger_id = opened["parent"].ledger_id
    response = post(office, ledger_id, xlsx(ROWS))
    assert response.status_code == 400 and response.json()["field"] == "reason"
    response = post(office, ledger_id, xlsx(ROWS), reason="市委常委会新增任务")
    assert response.status_code == 202
    assert get(office, f"/imports/{response.json()['id']}").json()["created"] == 2


def test_a_bad_reason_is_a_400_naming_it(office, opened):
    response = post(office, opened["parent"].ledger_id, xlsx(ROWS), reason="理由\x00")
    assert response.status_code == 400 and response.json()["field"].endswith("reason")  # "form.reason" for now


def test_the_same_file_sent_twice_is_imported_once(office, ledger, unit_a, unit_b):
    data = xlsx(ROWS)  # one file: a workbook written a second later carries another timestamp
    first = post(office, ledger.pk, data)
    second = post(office, ledger.pk, data)
    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Task.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"%PDF-1.4 not a workbook \x00\x01\x02\x03" * 50, "a.pdf", "not an Excel workbook"),
        (b"PK\x03\x04 broken zip", "a.xlsx", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0 old excel", "a.xls", ".xls"),
        (b"x" * (MAX_BYTES + 1), "big.csv", "larger than"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_400_with_its_reason(office, ledger, data, name, words):
    response = post(office, ledger.pk, data, name)
    assert response.status_code == 400
    assert words in response.json()["detail"] and response.json()["field"] == "file"
    assert LedgerImport.objects.count() == 0


def test_a_nul_in_a_cell_is_a_400_naming_its_row_and_column(office, ledger):
    data = xlsx([row(专项="重大项目", 任务名称="水厂_x0000_建设", 完成时限="2026-12-31")])
    response = post(office, ledger.pk, data)
    assert response.status_code == 400
    assert "Row 3, column 任务名称" in response.json()["detail"] and "U+0000" in response.json()["detail"]


def test_a_missing_file_is_a_400_naming_it(office, ledger):
    response = Client().post(
        f"/api/v1/ledgers/{ledger.pk}/imports", {}, headers={"Authorization": f"Bearer {ApiToken.issue(office)}"}
    )
    assert response.status_code == 400 and response.json()["field"].endswith("file")


def test_a_closed_ledger_takes_no_import(office, ledger):
    from luoshi.ledger.models import Ledger

    Ledger.objects.filter(pk=ledger.pk).update(status="closed")
    response = post(office, ledger.pk, xlsx(ROWS))
    assert response.status_code == 409 and LedgerImport.objects.count() == 0
