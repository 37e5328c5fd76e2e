"""Every file that leaves the system is an "export" event (issue 9): who, what, which format, the filters."""

import pytest

from luoshi.events.models import Event
from luoshi.events.services import audit_read, record_export
from tests.conftest import login
from tests.duties.test_documents import urge, urged  # noqa: F401  (fixtures)
from tests.lists.test_closing_record import struck_off  # noqa: F401  (fixture)


def the_export(person) -> Event:
    return Event.objects.get(kind="export", actor=person)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_lists_export_is_recorded_with_its_filters(client, office, published_list, leader, fmt):
    response = login(client, office).get(f"/lists/export.{fmt}", {"status": "in_progress", "leader": leader.pk})
    assert response.status_code == 200
    event = the_export(office)
    expected = {"what": "lists", "format": fmt, "status": "in_progress", "leader": leader.pk, "sort": "light"}
    assert event.after == expected
    assert (event.subject_type, event.subject_id, event.address) == ("export", 0, "127.0.0.1")


def test_a_refused_export_records_nothing(client, office):
    assert login(client, office).get("/lists/export.xlsx", {"year": "1900"}).status_code == 400
    assert not Event.objects.filter(kind="export").exists()


def test_the_import_template_is_recorded(client, office, unit_a):
    assert login(client, office).get("/lists/import/template.xlsx").status_code == 200
    assert the_export(office).after == {"what": "import_template", "format": "xlsx"}


def test_the_league_table_export_is_recorded_with_its_period(client, office, unit_a):
    response = login(client, office).get("/escalation/league.xlsx", {"from": "2026-01-01", "to": "2026-03-31"})
    assert response.status_code == 200
    after = the_export(office).after
    assert after == {"what": "league", "format": "xlsx", "start": "2026-01-01", "end": "2026-03-31"}


def test_a_notice_download_is_recorded_with_its_escalation(client, office, urge):  # noqa: F811
    assert login(client, office).get(f"/escalation/notices/{urge.pk}.docx").status_code == 200
    event = the_export(office)
    assert (event.subject_type, event.subject_id) == ("escalation", urge.pk)
    assert event.after == {"what": "notice", "format": "docx", "step": "urge"}


def test_a_closing_record_download_is_recorded(client, office, struck_off):  # noqa: F811
    assert login(client, office).get(f"/lists/{struck_off.pk}/closing-record.docx").status_code == 200
    event = the_export(office)
    assert (event.subject_type, event.subject_id) == ("list", struck_off.pk)
    assert event.after == {"what": "closing_record", "format": "docx"}


def test_a_closing_record_through_the_api_is_recorded(api, office, struck_off):  # noqa: F811
    assert api(office).get(f"/lists/{struck_off.pk}/closing-record.docx").status_code == 200
    event = the_export(office)
    assert (event.subject_type, event.subject_id, event.after["format"]) == ("list", struck_off.pk, "docx")


def test_record_export_keeps_only_the_filters_given(office):
    from datetime import date

    event = record_export(office, "lists", "csv", subject=("list", 3), year=2026, q="", day=date(2026, 3, 2))
    assert event.after == {"what": "lists", "format": "csv", "year": 2026, "day": "2026-03-02"}
    assert (event.subject_type, event.subject_id) == ("list", 3)


def test_reading_a_restricted_record_is_recorded(office, unit_a):
    event = audit_read(office, "accountability", 12, unit_id=unit_a.pk)
    assert (event.kind, event.actor, event.subject_type, event.subject_id) == (
        "record.read",
        office,
        "accountability",
        12,
    )
    assert event.unit == unit_a and event.result == "ok"
