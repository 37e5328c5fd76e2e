"""The create form: office only, parsed by a form, checked by do_create_list."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from luoshi.lists.models import HandlingRole, ListStatus, ResponsibilityList
from tests.conftest import NOW, days

URL = reverse("lists:create")


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW):
        yield



def form_data(lead, co=(), **overrides):
    data = {
        "source": "instruction",
        "title": "治理黄河风情线环境",
        "content": "两岸绿化、亮化，年底前完工。",
        "leader": "",
        "lead_unit": lead.pk,
        "co_units": [u.pk for u in co],
        "deadline": days(90).isoformat(),
        "report_every_days": "14",
        "milestones-TOTAL_FORMS": "4",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "20",
    }
    for i in range(4):
        data[f"milestones-{i}-due_date"] = ""
        data[f"milestones-{i}-title"] = ""
    data.update(overrides)
    return data


def test_office_opens_the_create_form(as_, office, leader, other_leader, liaison_a, unit_a, unit_b):
    response = as_(office).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("source", "title", "content", "leader", "lead_unit", "co_units", "deadline", "report_every_days"):
        assert f'name="{name}"' in html
    assert 'type="date"' in html
    assert "milestones-0-due_date" in html
    leaders = response.context["form"].fields["leader"].queryset
    assert set(leaders) == {leader, other_leader}  # the select offers leaders only, not the liaison


@pytest.mark.parametrize("who", ["liaison_a", "leader", "head_a"])
def test_non_office_cannot_open_the_create_form(as_, request, who):
    person = request.getfixturevalue(who)
    assert as_(person).get(URL).status_code == 403


def test_non_office_cannot_post_a_list(as_, liaison_a, unit_a, unit_b):
    response = as_(liaison_a).post(URL, form_data(unit_a, [unit_b]))
    assert response.status_code == 403
    assert not ResponsibilityList.objects.exists()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_office_creates_a_list_with_two_units(as_, office, leader, unit_a, unit_b):
    data = form_data(
        unit_a,
        [unit_b],
        leader=leader.pk,
        **{"milestones-0-due_date": days(30).isoformat(), "milestones-0-title": "完成方案"},
    )
    response = as_(office).post(URL, data)
    rlist = ResponsibilityList.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("lists:loop", args=[rlist.pk])
    assert rlist.status == ListStatus.DRAFT
    assert rlist.leader == leader
    assert rlist.deadline == days(90)
    assert rlist.report_every_days == 14
    roles = {ob.unit: ob.role for ob in rlist.obligations.all()}
    assert roles == {unit_a: HandlingRole.LEAD, unit_b: HandlingRole.CO}
    assert [(m.due_date, m.title) for m in rlist.milestones.all()] == [(days(30), "完成方案")]

    page = as_(office).get(response.url)
    assert "Saved as a draft" in page.content.decode()
    assert reverse("lists:publish", args=[rlist.pk]) in page.content.decode()


def test_create_refuses_a_past_deadline_with_400(as_, office, unit_a, unit_b):
    response = as_(office).post(URL, form_data(unit_a, [unit_b], deadline=(NOW.date() - timedelta(days=1)).isoformat()))
    assert response.status_code == 400
    assert "The deadline has already passed." in response.content.decode()
    assert response.context["form"].errors["deadline"] == ["The deadline has already passed."]
    assert not ResponsibilityList.objects.exists()


def test_create_refuses_the_lead_unit_as_a_co_unit_with_400(as_, office, unit_a, unit_b):
    response = as_(office).post(URL, form_data(unit_a, [unit_a, unit_b]))
    assert response.status_code == 400
    assert "co_units" in response.context["form"].errors
    assert not ResponsibilityList.objects.exists()


def test_create_keeps_what_was_typed_when_a_field_is_missing(as_, office, unit_a):
    response = as_(office).post(URL, form_data(unit_a, title="", content="保留这段内容"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "保留这段内容" in html
    assert "is-invalid" in html
    assert not ResponsibilityList.objects.exists()


def test_a_milestone_needs_a_title(as_, office, unit_a):
    data = form_data(unit_a, **{"milestones-1-due_date": days(10).isoformat()})
    response = as_(office).post(URL, data)
    assert response.status_code == 400
    assert "Every milestone needs a title." in response.content.decode()
    assert not ResponsibilityList.objects.exists()


def test_a_tampered_formset_gets_400_not_500(as_, office, unit_a):
    data = form_data(unit_a)
    del data["milestones-TOTAL_FORMS"]
    assert as_(office).post(URL, data).status_code == 400
    assert not ResponsibilityList.objects.exists()


def test_create_over_htmx_answers_with_a_client_redirect(as_, office, unit_a):
    response = as_(office).post(URL, form_data(unit_a), headers={"HX-Request": "true"})
    rlist = ResponsibilityList.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("lists:loop", args=[rlist.pk])
