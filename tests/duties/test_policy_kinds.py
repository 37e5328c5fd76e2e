"""Each kind of work has its own ladder and lights, edited by the admin on the settings page (?kind=)."""

import pytest
import time_machine
from django.urls import reverse

from luoshi.duties import policy as policy_service
from luoshi.duties.models import Policy
from luoshi.errors import InvalidInput
from luoshi.events.models import Event
from tests.conftest import NOW
from tests.duties.errands import KIND, errand  # noqa: F401
from tests.duties.test_settings_view import VALUES

POLICY = reverse("escalation:policy")
ERRANDS = f"{POLICY}?kind={KIND}"


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_one_kind_shows_no_tabs(as_, admin, lists_only):
    response = as_(admin).get(POLICY)
    assert response.status_code == 200 and response.context["kind"] == "list"
    assert 'id="policy-kinds"' not in response.content.decode()


def test_each_kind_has_its_tab_and_its_own_values(as_, admin, errand):  # noqa: F811
    Policy.objects.create(owner_kind=KIND, talk_window_days=30)
    html = as_(admin).get(POLICY).content.decode()
    assert 'id="policy-kinds"' in html and f'href="{ERRANDS}"' in html and f'href="{POLICY}"' in html
    response = as_(admin).get(ERRANDS)
    assert response.status_code == 200 and response.context["kind"] == KIND
    html = response.content.decode()
    assert f'action="{ERRANDS}"' in html and 'value="30"' in html and 'aria-current="page" href="' in html


def test_saving_one_kind_leaves_the_others_alone(as_, admin, errand):  # noqa: F811
    response = as_(admin).post(ERRANDS, VALUES)
    assert response.status_code == 302 and response.url == ERRANDS
    assert policy_service.policy_values(Policy.objects.get(owner_kind=KIND)) == VALUES
    assert not Policy.objects.filter(owner_kind="list").exists()
    assert Policy.current(KIND).talk_window_days == 60 and Policy.current("list").talk_window_days == 90
    event = Event.objects.get(kind="policy.changed")
    assert event.subject_id == Policy.objects.get(owner_kind=KIND).pk


def test_saving_twice_records_once(as_, admin, errand):  # noqa: F811
    client = as_(admin)
    client.post(ERRANDS, VALUES)
    assert client.post(ERRANDS, VALUES).status_code == 302
    assert Event.objects.filter(kind="policy.changed").count() == 1


def test_an_unknown_kind_is_a_400_and_saves_nothing(as_, admin):
    response = as_(admin).get(f"{POLICY}?kind=ledger")
    assert response.status_code == 400 and "Unknown kind of work “ledger”." in response.content.decode()
    assert as_(admin).post(f"{POLICY}?kind=ledger", VALUES).status_code == 400
    assert not Policy.objects.exists()
    with pytest.raises(InvalidInput) as refused:
        policy_service.do_update_policy(admin, "ledger", **VALUES)
    assert refused.value.field == "kind"


def test_bad_values_are_a_400_on_the_kinds_page(as_, admin, errand):  # noqa: F811
    response = as_(admin).post(ERRANDS, {**VALUES, "talk_window_days": "1"})
    assert response.status_code == 400 and response.context["kind"] == KIND
    assert "talk_window_days" in response.context["form"].errors
    assert not Policy.objects.exists()


def test_only_an_admin_edits_a_kinds_policy(as_, office, liaison_a, leader, errand):  # noqa: F811
    for person in (office, liaison_a, leader):
        assert as_(person).get(ERRANDS).status_code == 403
        assert as_(person).post(ERRANDS, VALUES).status_code == 403
    assert not Policy.objects.exists()
