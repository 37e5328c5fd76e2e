"""The loop page (点开闭环): who does what, how far, what difficulties — and who may act on it."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import Policy
from luoshi.lists import services, timeline
from luoshi.lists.models import ResponsibilityList
from luoshi.org.models import Unit
from tests.conftest import NOW, days, make_person


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW):
        yield


def url(rlist: ResponsibilityList) -> str:
    return reverse("lists:loop", args=[rlist.pk])


def obligations(rlist):
    return list(rlist.duties.select_related("unit").order_by("-role", "id"))


def test_the_loop_page_shows_who_what_how_far_and_what_difficulties(as_, office, published_list, liaison_a):
    ob_a, _ = obligations(published_list)
    duty_services.do_report(
        liaison_a,
        ob_a,
        progress=40,
        done="完成园区规划",
        difficulties="征地资金缺口2亿",
        next_steps="报市政府审定",
        now=NOW,
    )
    response = as_(office).get(url(published_list))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        published_list.code,
        "推进兰州新区产业园区建设",
        "按市委要求",
        "李副市长",
        escape("Leader's instruction"),
        "In progress",
        "完成规划审批",  # the milestone
        "市工信委",
        "城关区",
        "Lead unit",
        "Co-handling unit",
        'aria-valuenow="40"',
        "完成园区规划",
        "征地资金缺口2亿",
        "报市政府审定",
        "工信委联络员",
        "2026-03-02 10:00",  # the report's time, in Shanghai
        days(14).isoformat(),  # next report due of the unit that has not reported
        days(60).isoformat(),  # deadline
    ):
        assert text in html, text
    assert "ls-difficulties" in html  # difficulties stand out


def test_the_outsider_gets_404(as_, outsider, published_list):
    assert as_(outsider).get(url(published_list)).status_code == 404


def test_a_leader_of_other_units_gets_404(as_, other_leader, published_list):
    assert as_(other_leader).get(url(published_list)).status_code == 404


def test_an_unknown_list_is_404(as_, office):
    assert as_(office).get(reverse("lists:loop", args=[999])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, published_list):
    response = client.get(url(published_list))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_office_sees_publish_on_a_draft_and_the_units_do_not(as_, office, liaison_a, draft_list):
    publish = reverse("lists:publish", args=[draft_list.pk])
    assert publish in as_(office).get(url(draft_list)).content.decode()
    page = as_(liaison_a).get(url(draft_list)).content.decode()
    assert publish not in page
    assert 'id="report"' not in page  # nothing to report on a draft


def units_table(html: str) -> str:
    start = html.index('id="obligations"')
    return html[start : html.index("</table>", start)]


def test_a_drafts_units_show_no_progress_bar_until_published(as_, office, draft_list):
    before = units_table(as_(office).get(url(draft_list)).content.decode())
    assert 'role="progressbar"' not in before and "0%" not in before
    services.do_publish(office, draft_list)
    after = units_table(as_(office).get(url(draft_list)).content.decode())
    assert after.count('role="progressbar"') == 2 and 'aria-valuenow="0"' in after


def test_office_sees_close_but_no_report_form(as_, office, published_list):
    html = as_(office).get(url(published_list)).content.decode()
    assert reverse("lists:close", args=[published_list.pk]) in html
    assert reverse("lists:publish", args=[published_list.pk]) not in html
    assert 'id="report"' not in html


def test_liaison_sees_the_report_form_for_own_unit_only(as_, liaison_a, unit_a, published_list):
    response = as_(liaison_a).get(url(published_list))
    html = response.content.decode()
    assert html.count('id="report"') == 1
    assert reverse("lists:close", args=[published_list.pk]) not in html
    [mine] = response.context["my_rows"]
    assert mine.ob.unit == unit_a
    assert mine.report_form.initial["unit"] == unit_a.pk
    assert len(mine.report_form.initial["submission_key"]) == 32
    assert 'name="submission_key"' in html
    assert 'id="extension"' in html
    assert "hx-disabled-elt=\"find button[type='submit']\"" in html


def test_each_rendering_carries_a_fresh_submission_key(as_, liaison_a, published_list):
    client = as_(liaison_a)
    keys = {client.get(url(published_list)).context["my_rows"][0].report_form.initial["submission_key"] for _ in "ab"}
    assert len(keys) == 2


def test_the_decision_forms_show_to_the_office_and_the_responsible_leader(
    as_, office, leader, liaison_a, liaison_b, published_list
):
    ob_a, _ = obligations(published_list)
    duty_services.do_report(liaison_a, ob_a, progress=100, done="全部完成", request_completion=True, now=NOW)
    accept = reverse("lists:accept", args=[published_list.pk])
    for person in (office, leader):
        html = as_(person).get(url(published_list)).content.decode()
        assert accept in html and reverse("lists:return", args=[published_list.pk]) in html
    for person in (liaison_a, liaison_b):
        assert accept not in as_(person).get(url(published_list)).content.decode()


def test_a_pending_extension_shows_approve_and_refuse_to_the_office_only(
    as_, office, leader, liaison_a, published_list
):
    ob_a, _ = obligations(published_list)
    ext = duty_completion.do_request_extension(liaison_a, ob_a, days(90), "征地手续未批", now=NOW)
    decide = reverse("lists:decide_extension", args=[ext.pk])
    assert decide in as_(office).get(url(published_list)).content.decode()
    assert decide not in as_(leader).get(url(published_list)).content.decode()
    page = as_(liaison_a).get(url(published_list)).content.decode()
    assert decide not in page
    assert 'id="extension-pending"' in page and 'id="extension"' not in page


def test_the_timeline_tells_the_whole_story(as_, office, liaison_a, liaison_b, published_list):
    ob_a, ob_b = obligations(published_list)
    duty_services.do_report(
        liaison_a,
        ob_a,
        progress=100,
        done="园区一期完工",
        difficulties="配套资金迟到",
        request_completion=True,
        now=NOW + timedelta(hours=1),
    )
    duty_completion.do_return(office, ob_a, "缺少竣工验收材料", now=NOW + timedelta(hours=2))
    ext = duty_completion.do_request_extension(liaison_b, ob_b, days(75), "拆迁未完成", now=NOW + timedelta(hours=3))
    duty_completion.do_decide_extension(office, ext, True, "同意延期", now=NOW + timedelta(hours=4))
    html = as_(office).get(url(published_list)).content.decode()
    for kind in (
        "list.created",
        "list.published",
        "report.filed",
        "completion.returned",
        "extension.requested",
        "extension.approved",
    ):
        assert f'data-kind="{kind}"' in html, kind
    for text in (
        f"Published the list as {published_list.code}",
        "Reported progress 0% → 100%.",
        "园区一期完工",
        "配套资金迟到",
        "Returned the completion request of 市工信委.",
        "缺少竣工验收材料",
        f"from {days(60).isoformat()} to {days(75).isoformat()}",
        "同意延期",
        "Status: Draft → In progress",
        "Status: In progress → Completion requested",
        "Status: Completion requested → In progress",
        "2026-03-02 14:00",  # times are shown in Asia/Shanghai
    ):
        assert text in html, text


def _busy_list(office, leader, n_units: int, reports_each: int) -> ResponsibilityList:
    units = [Unit.objects.create(name=f"单位{n_units}-{i}", kind="department") for i in range(n_units)]
    rlist = services.do_create_list(
        office,
        source="meeting",
        title=f"清单{n_units}",
        content="",
        leader=leader,
        lead_unit=units[0],
        co_units=units[1:],
        deadline=days(60),
        report_every_days=7,
        milestones=[services.MilestoneInput(days(i + 1), f"节点{i}") for i in range(3)],
        now=NOW,
    )
    services.do_publish(office, rlist, now=NOW)
    for i, ob in enumerate(obligations(rlist)):
        liaison = make_person(f"l{n_units}-{i}", ["liaison"], ob.unit, name=f"联络员{i}")
        for r in range(reports_each):
            duty_services.do_report(liaison, ob, progress=10 * (r + 1), done=f"第{r}次", difficulties="困难", now=NOW)
        if i % 2:
            ext = duty_completion.do_request_extension(liaison, ob, days(80), "理由", now=NOW)
            duty_completion.do_decide_extension(office, ext, i % 4 == 1, now=NOW)
            duty_completion.do_request_extension(liaison, ob, days(90), "再延", now=NOW)
        if i % 3 == 2:
            duty_services.do_report(liaison, ob, progress=100, done="完成", request_completion=True, now=NOW)
    return rlist


# session, user, list (with its light), obligations (with units, last reports and their authors),
# extensions, milestones, events (with actors and units), the reports they filed; the policy when
# its cache is cold; the person's unit for the navbar; the unread count in the header; the waiting
# transfer requests (lists.views_changes).
LOOP_QUERY_BOUND = 12


def test_loop_page_runs_a_constant_number_of_queries(as_, office, leader, django_assert_max_num_queries):
    small = _busy_list(office, leader, n_units=2, reports_each=1)
    big = _busy_list(office, leader, n_units=8, reports_each=5)
    counts = {}
    for rlist in (small, big):
        lead_liaison = rlist.duties.get(role="lead").unit.people.get()
        for person in (office, lead_liaison):
            client = as_(person)
            Policy.forget()  # cold: the policy is read too
            with django_assert_max_num_queries(LOOP_QUERY_BOUND) as queries:
                response = client.get(url(rlist))
            assert response.status_code == 200
            counts[rlist.title, person.has_role("liaison")] = len(queries)
    assert counts["清单2", False] == counts["清单8", False]
    assert counts["清单2", True] == counts["清单8", True]
    # 5 reports from each of the 8 units and more: the page shows the newest events, then a link to the others
    html = response.content.decode()
    assert html.count("<li data-kind=") == timeline.PAGE and 'id="timeline-more"' in html
