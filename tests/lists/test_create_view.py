"""The create form: office only, parsed by a form, checked by do_create_list."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from luoshi.duties.models import HandlingRole
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.org.models import Unit
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
    roles = {ob.unit: ob.role for ob in rlist.duties.all()}
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


def test_saving_lands_on_the_drafts_own_page_so_a_reload_shows_the_draft(as_, office, unit_a):
    response = as_(office).post(URL, form_data(unit_a), follow=True)
    rlist = ResponsibilityList.objects.get()
    assert response.redirect_chain == [(reverse("lists:loop", args=[rlist.pk]), 302)]
    assert response.request["PATH_INFO"] == reverse("lists:loop", args=[rlist.pk])
    reloaded = as_(office).get(response.request["PATH_INFO"])
    assert "治理黄河风情线环境" in reloaded.content.decode()


def test_posting_the_same_form_twice_stores_one_draft(as_, office, unit_a, unit_b):
    key = as_(office).get(URL).context["form"]["submission_key"].value()
    data = form_data(unit_a, [unit_b], submission_key=key)
    first = as_(office).post(URL, data)
    second = as_(office).post(URL, data)  # a double click, or the browser resending
    rlist = ResponsibilityList.objects.get()
    assert first.url == second.url == reverse("lists:loop", args=[rlist.pk])
    # A new form (a new key) is a new draft.
    as_(office).post(
        URL, form_data(unit_a, submission_key=as_(office).get(URL).context["form"]["submission_key"].value())
    )
    assert ResponsibilityList.objects.count() == 2


def test_units_are_grouped_and_the_office_is_not_offered_first(as_, office, unit_a, unit_b):
    general = Unit.objects.create(name="市委督查室", kind="office")
    town = Unit.objects.create(name="张掖路街道", kind="town", parent=unit_b)
    office.unit = general
    office.save()
    html = as_(office).get(URL).content.decode()
    co = html.split('name="co_units"', 1)[1].split("</select>", 1)[0]
    groups = [g.split('"', 1)[0] for g in co.split('<optgroup label="')[1:]]
    assert groups == ["City departments", "Districts and counties", "Towns and streets", "General offices"]
    assert co.index(unit_a.name) < co.index(unit_b.name) < co.index("张掖路街道 · 城关区") < co.index(general.name)
    lead = html.split('name="lead_unit"', 1)[1].split("</select>", 1)[0]
    first_option = lead.split("<option", 2)[1]
    assert 'value=""' in first_option and "Choose…" in first_option  # not "---------"
    assert "---------" not in html
    assert town.pk and f'value="{general.pk}"' in lead  # still a possible choice, only last


def test_the_unit_and_leader_pickers_are_searchable_without_inline_script(as_, office):
    html = as_(office).get(URL).content.decode()
    for name in ("leader", "lead_unit", "co_units"):
        tag = (
            html.split(f'name="{name}"', 1)[0].rsplit("<select", 1)[1]
            + html.split(f'name="{name}"', 1)[1].split(">", 1)[0]
        )
        assert "data-search" in tag, name
    assert "/static/vendor/tom-select/tom-select.complete.min.js" in html
    assert "/static/vendor/tom-select/tom-select.bootstrap5.min.css" in html
    assert "/static/luoshi/search-select.js" in html
    body = html.split("<body", 1)[1]
    assert "<script>" not in body and "<script " not in body.split("</nav>", 1)[1].split("</main>", 1)[0]
