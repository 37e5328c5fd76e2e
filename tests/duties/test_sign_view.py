"""The one-tap sign-for button on the loop page, its POST, and the office's page of who has not signed."""

from datetime import date

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from luoshi.duties.models import Duty
from luoshi.duties.signing import do_sign, unsigned_reminders
from luoshi.events.models import Event
from tests.duties.conftest import at, publish
from tests.duties.test_board_view import counted

UNSIGNED = reverse("escalation:unsigned")


@pytest.fixture(autouse=True)
def on_0304():
    with time_machine.travel(at(date(2026, 3, 4), 10), tick=False):
        yield


@pytest.fixture
def rlist(office, leader, unit_a, unit_b):
    """Published Mon 03-02 09:00; on Wed 03-04 neither unit has signed: 2 working days waiting."""
    return publish(office, unit_a, [unit_b], leader=leader)


def loop_url(rlist) -> str:
    return reverse("lists:loop", args=[rlist.pk])


def sign_url(duty: Duty) -> str:
    return reverse("escalation:sign", args=[duty.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_units_people_see_the_button_while_unsigned(as_, rlist, liaison_a, office, leader, unit_a, unit_b):
    html = as_(liaison_a).get(loop_url(rlist)).content.decode()
    assert f'id="sign-{unit_a.pk}"' in html and f'id="sign-{unit_b.pk}"' not in html
    assert f'action="{sign_url(rlist.duties.get(unit=unit_a))}"' in html
    for person in (office, leader):
        assert 'id="sign-' not in as_(person).get(loop_url(rlist)).content.decode()
    do_sign(liaison_a, rlist.duties.get(unit=unit_a))
    assert f'id="sign-{unit_a.pk}"' not in as_(liaison_a).get(loop_url(rlist)).content.decode()


def test_one_tap_signs_and_goes_back_to_the_owner_page(as_, rlist, liaison_a, unit_a):
    duty = rlist.duties.get(unit=unit_a)
    response = as_(liaison_a).post(sign_url(duty), {"next": f"{loop_url(rlist)}#unit-{unit_a.pk}"})
    assert response.status_code == 302 and response.url == f"{loop_url(rlist)}#unit-{unit_a.pk}"
    assert messages_of(response) == ["Signed for: your unit has acknowledged this work."]
    duty.refresh_from_db()
    assert duty.signed_by == liaison_a and duty.signed_at == at(date(2026, 3, 4), 10)
    timeline = as_(liaison_a).get(loop_url(rlist)).content.decode()
    assert "Signed for the unit's work (签收)." in timeline and "<code>duty.signed</code>" not in timeline


def test_a_double_tap_is_harmless(as_, rlist, liaison_a, head_a, unit_a):
    duty = rlist.duties.get(unit=unit_a)
    as_(liaison_a).post(sign_url(duty))
    again = as_(head_a).post(sign_url(duty))
    assert again.status_code == 302 and again.url == loop_url(rlist)  # no next: the owner's page
    assert messages_of(again)[-1] == "Already signed for on 2026-03-04 10:00: nothing changed."
    assert Event.objects.filter(kind="duty.signed").count() == 1


def test_others_are_refused(client, as_, rlist, liaison_b, outsider, leader, office, unit_a):
    duty = rlist.duties.get(unit=unit_a)
    assert as_(liaison_b).post(sign_url(duty)).status_code == 404  # another unit's duty: not shown to it
    assert as_(outsider).post(sign_url(duty)).status_code == 404
    assert as_(leader).post(sign_url(duty)).status_code == 403  # sees it, signs for no unit
    assert as_(office).post(sign_url(duty)).status_code == 403
    assert as_(office).post(reverse("escalation:sign", args=[99999])).status_code == 404
    duty.refresh_from_db()
    assert duty.signed_at is None


def test_a_tap_is_a_post_and_next_stays_on_this_site(client, as_, rlist, liaison_a, unit_a):
    duty = rlist.duties.get(unit=unit_a)
    assert as_(liaison_a).get(sign_url(duty)).status_code == 405
    response = as_(liaison_a).post(sign_url(duty), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == loop_url(rlist)
    client.logout()
    assert client.post(sign_url(duty)).status_code == 302  # to the login page
    assert Event.objects.filter(kind="duty.signed").count() == 1


@pytest.mark.figures_by_hand  # sets duty fields with UPDATE, not through the services
def test_nothing_to_sign_for_says_why_on_the_owner_page(as_, rlist, liaison_a, unit_a):
    duty = rlist.duties.get(unit=unit_a)
    Duty.objects.filter(pk=duty.pk).update(status="withdrawn")
    response = as_(liaison_a).post(sign_url(duty))
    assert response.status_code == 302 and response.url == loop_url(rlist)
    assert messages_of(response) == ["This work is no longer owed by the unit: there is nothing to sign for."]


# --- who has not signed ---------------------------------------------------------------------------


def test_the_office_sees_who_has_not_signed(as_, rlist, office, liaison_b, unit_a, unit_b):
    unsigned_reminders(at(date(2026, 3, 3), 10))
    do_sign(liaison_b, rlist.duties.get(unit=unit_b))
    response = as_(office).get(UNSIGNED)
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row.duty.unit == unit_a and row.url == loop_url(rlist)
    assert row.assigned_at == at(date(2026, 3, 2), 9) and row.workdays_waiting == 2 and row.late
    html = response.content.decode()
    assert unit_a.name in html and rlist.code in html and "2026-03-03 10:00" in html  # reminded then
    assert unit_b.name not in html
    assert f'href="{UNSIGNED}"' in as_(office).get(reverse("escalation:board")).content.decode()


def test_only_the_office_sees_who_has_not_signed(as_, rlist, liaison_a, head_a, leader):
    for person in (liaison_a, head_a, leader):
        assert as_(person).get(UNSIGNED).status_code == 403


def test_everyone_signed_says_so(as_, office, db):
    assert 'id="all-signed"' in as_(office).get(UNSIGNED).content.decode()


def test_the_unsigned_page_runs_a_constant_number_of_queries(as_, office, unit_a, unit_b, unit_c):
    client = as_(office)
    publish(office, unit_a, [unit_b])
    client.get(UNSIGNED)  # warm: the session, the content types
    _response, few = counted(client, UNSIGNED)
    for n in range(5):
        publish(office, unit_c, [unit_a, unit_b], title=f"任务{n}")
    response, many = counted(client, UNSIGNED)
    assert len(response.context["rows"]) == 17 and many == few
