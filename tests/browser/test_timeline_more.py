"""A long timeline opens at its newest events; "Earlier events" brings the next page in place (htmx),
and without JavaScript the same link opens the loop page at that page."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from luoshi.duties import services as duty_services
from luoshi.lists import services, timeline
from tests.browser.conftest import sign_in


def busy_list(office, leader, unit_a, unit_b, liaison_a, reports: int):
    rlist = services.do_create_list(
        office,
        source="meeting",
        title="长时间线的清单",
        content="",
        leader=leader,
        lead_unit=unit_a,
        co_units=[unit_b],
        deadline=timezone.localdate() + timedelta(days=60),
        report_every_days=7,
    )
    services.do_publish(office, rlist)
    duty = rlist.duties.get(unit=unit_a)
    start = timezone.now()
    for i in range(reports):
        duty_services.do_report(liaison_a, duty, progress=i + 1, done=f"进展第{i}次", now=start + timedelta(minutes=i))
    return rlist


def test_earlier_events_come_in_place(new_page, office, leader, unit_a, unit_b, liaison_a):
    rlist = busy_list(office, leader, unit_a, unit_b, liaison_a, reports=45)
    page = new_page()
    sign_in(page, office, f"/lists/{rlist.pk}/")
    entries = page.locator("#timeline > li[data-kind]")
    expect(entries).to_have_count(timeline.PAGE)
    expect(entries.first).to_contain_text("进展第44次")  # newest first
    page.get_by_role("link", name="Earlier events").click()
    expect(entries).to_have_count(2 * timeline.PAGE)
    assert page.url.endswith(f"/lists/{rlist.pk}/")  # in place: the page stays where it was
    page.get_by_role("link", name="Earlier events").click()
    expect(page.locator('#timeline > li[data-kind="list.created"]')).to_have_count(1)
    expect(page.get_by_role("link", name="Earlier events")).to_have_count(0)


def test_without_javascript_the_link_opens_the_older_page(
    browser, live_server, office, leader, unit_a, unit_b, liaison_a
):
    rlist = busy_list(office, leader, unit_a, unit_b, liaison_a, reports=25)
    context = browser.new_context(base_url=live_server.url, locale="en-US", java_script_enabled=False)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    try:
        page = context.new_page()
        sign_in(page, office, f"/lists/{rlist.pk}/")
        page.get_by_role("link", name="Earlier events").click()
        page.wait_for_url("**before=*")
        expect(page.locator('#timeline > li[data-kind="list.created"]')).to_have_count(1)
        expect(page.locator("#timeline")).not_to_contain_text("进展第24次")
        page.get_by_role("link", name="Back to the newest events").click()
        expect(page.locator("#timeline > li[data-kind]").first).to_contain_text("进展第24次")
    finally:
        context.close()
