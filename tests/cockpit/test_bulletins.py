"""The weekly supervision bulletin (督查通报): made by the office for a period, numbered per year, printed as
PDF and DOCX with the office's header, archived, delivered, read by those it is for."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from luoshi.cockpit import bulletin_data, bulletins, figures
from luoshi.cockpit.models import Bulletin
from luoshi.cockpit.scope import for_leader
from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.notify.models import Channel, Delivery, Notification
from luoshi.org.models import Unit
from tests.cockpit.bulletin_city import MONDAY_AFTER, WEEK, build_week
from tests.duties.test_documents import docx_text, pdf_text
from tests.oversight.inspections.conftest import category, inspection, inspector, member, team_unit  # noqa: F401


@pytest.fixture
def week(office, leader, unit_a, unit_b, liaison_a, liaison_b, head_a):
    Unit.objects.create(name="市委办公厅督查室", kind="office")
    return build_week(office, leader, unit_a, unit_b, liaison_a)


def make(office, start=WEEK[0], end=WEEK[1], key=None, now=MONDAY_AFTER):
    return bulletins.do_make_bulletin(office, start, end, now=now, submission_key=key)


def test_the_office_makes_the_weeks_bulletin_with_what_happened(week, office, leader, tmp_path):
    b, created = make(office)
    assert created and (b.year, b.number) == (2026, 1)
    assert (b.period_from, b.period_to, b.created_by) == (*WEEK, office)
    f = b.figures
    assert [r["title"] for r in f["lists"]["new"]["rows"]] == ["完成老旧小区改造", "新发布的清单"]
    assert [r["title"] for r in f["lists"]["completed"]["rows"]] == ["完成老旧小区改造"]
    red = f["lists"]["red"]
    assert red["count"] == 1 and red["as_of"] == "2026-03-08"
    assert red["rows"][0]["title"] == "推进兰州新区产业园区建设"
    assert red["rows"][0]["leader"] == "李副市长" and red["rows"][0]["units"] == ["市工信委"]
    assert f["frontline"]["short_count"] == 1 and f["frontline"]["short"][0]["name"] == "李副市长"
    assert set(f["sections"]) == set(figures.SECTIONS)
    text = pdf_text(bytes(b.pdf), tmp_path)
    for words in (
        "督查通报",
        "2026年第1期",
        "市委办公厅督查室",
        "2026年3月2日—3月8日",
        "推进兰州新区产业园区建设",
        "红灯事项",
    ):
        assert words in text.replace(" ", ""), words
    words = docx_text(bytes(b.docx))
    assert "2026年第1期" in words and "市委办公厅督查室" in words and "推进兰州新区产业园区建设" in words
    assert Event.objects.filter(kind="bulletin.made", subject_id=b.pk, actor=office).exists()


def test_the_stored_sections_are_the_cockpits_for_the_same_period(week, office):
    b, _ = make(office)
    scope = for_leader(office, None, *WEEK, date(2026, 3, 9))
    with translation.override("zh-hans"):
        assert b.figures["sections"] == bulletin_data.jsonable(figures.sections(scope))


def test_numbers_run_per_year_without_gaps_or_repeats(week, office):
    first, _ = make(office)
    second, _ = make(office, date(2026, 2, 23), date(2026, 3, 1))
    assert (first.number, second.number) == (1, 2)
    next_year, _ = make(
        office, date(2026, 12, 28), date(2027, 1, 3), now=MONDAY_AFTER.replace(year=2027, month=1, day=4)
    )
    assert (next_year.year, next_year.number) == (2027, 1)
    assert Bulletin.objects.count() == 3


def test_a_double_submission_is_stored_once(week, office):
    a, created_a = make(office, key="k-1")
    b, created_b = make(office, key="k-1")
    assert (created_a, created_b) == (True, False) and a.pk == b.pk
    assert Bulletin.objects.count() == 1
    assert Notification.objects.filter(kind=bulletins.KIND).count() == len(bulletins.recipients())


def test_it_is_delivered_to_the_leaders_and_the_units(week, office, leader, liaison_a, liaison_b, head_a, auditor):
    b, _ = make(office)
    got = set(Notification.objects.filter(kind=bulletins.KIND).values_list("recipient_id", flat=True))
    assert got == {leader.pk, liaison_a.pk, liaison_b.pk, head_a.pk}
    note = Notification.objects.filter(kind=bulletins.KIND, recipient=leader).get()
    assert "2026年第1期" in note.title and note.url == reverse("cockpit:bulletin", args=[b.pk])


def test_it_goes_out_through_the_channels_too(week, office, leader, liaison_a):
    leader.email = "li@lanzhou.example.gov.cn"
    leader.save()
    Channel.objects.create(kind="email", name="邮件")
    Channel.objects.create(kind="wecom", name="督查群", url="https://qyapi.example/robot")
    make(office)
    mails = Delivery.objects.filter(channel__kind="email")
    assert list(mails.values_list("to", flat=True)) == ["li@lanzhou.example.gov.cn"]
    robot = Delivery.objects.get(channel__kind="wecom")  # a group robot posts it once
    assert "2026年第1期" in robot.subject


def test_the_bulletins_page_shows_it_as_printed_in_chinese_whatever_the_ui_language(as_, week, office):
    b, _ = make(office)
    page = as_(office).get(reverse("cockpit:bulletin", args=[b.pk])).content.decode()
    assert "Download PDF" in page  # the page's own words follow the reader
    for words in ("督查通报", "2026年第1期", "市委办公厅督查室", "一、总体情况", "三、红灯事项"):
        assert words in page, words


def test_only_the_office_makes_one(week, leader, liaison_a):
    for person in (leader, liaison_a):
        with pytest.raises(NotAllowed):
            make(person)
    assert not Bulletin.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2026, 3, 8), date(2026, 3, 2), "from"),  # from after to
        (date(2025, 3, 1), date(2026, 3, 1), "to"),  # longer than a year
        (date(2026, 3, 2), date(2026, 3, 20), "to"),  # in the future
        (None, date(2026, 3, 2), "from"),
        (date(1999, 1, 1), date(1999, 1, 2), "from"),
    ],
)
def test_a_bad_period_is_refused_naming_the_field(office, start, end, field):
    with pytest.raises(InvalidInput) as e:
        make(office, start, end)
    assert e.value.field == field


def test_a_year_is_not_too_long(office):
    b, _ = make(office, date(2025, 1, 1), date(2025, 12, 31))
    assert b.number == 1


# ---------------------------------------------------------------- the pages


@pytest.mark.parametrize("who", ["office", "leader", "liaison_a", "head_a"])
def test_those_it_is_for_read_the_archive_and_the_bulletin(request, as_, week, office, who):
    b, _ = make(office)
    c = as_(request.getfixturevalue(who))
    page = c.get(reverse("cockpit:bulletins"))
    assert page.status_code == 200 and 'data-count="1"' in page.content.decode()
    assert ("bulletin-form" in page.content.decode()) == (who == "office")
    detail = c.get(reverse("cockpit:bulletin", args=[b.pk]))
    assert detail.status_code == 200 and "推进兰州新区产业园区建设" in detail.content.decode()
    pdf = c.get(reverse("cockpit:bulletin_pdf", args=[b.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "no-store" in pdf["Cache-Control"]
    docx = c.get(reverse("cockpit:bulletin_docx", args=[b.pk]))
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert Event.objects.filter(kind="export", subject_type="bulletin", subject_id=b.pk).count() == 2


@pytest.mark.parametrize("who", ["auditor", "admin"])
def test_others_are_refused(request, as_, week, office, who):
    b, _ = make(office)
    c = as_(request.getfixturevalue(who))
    for name, args in (("bulletins", []), ("bulletin", [b.pk]), ("bulletin_pdf", [b.pk]), ("bulletin_docx", [b.pk])):
        assert c.get(reverse(f"cockpit:{name}", args=args)).status_code == 403, name


def test_a_missing_bulletin_is_404(as_, office):
    assert as_(office).get(reverse("cockpit:bulletin", args=[99])).status_code == 404


def test_the_office_makes_one_through_the_form_once(as_, week, office, leader):
    c = as_(office)
    data = {"submission_key": "form-1", "from": "2026-03-02", "to": "2026-03-08"}
    first = c.post(reverse("cockpit:bulletins"), data)
    again = c.post(reverse("cockpit:bulletins"), data)
    b = Bulletin.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("cockpit:bulletin", args=[b.pk])


def test_a_leader_may_not_post_the_form(as_, week, leader):
    r = as_(leader).post(reverse("cockpit:bulletins"), {"from": "2026-03-02", "to": "2026-03-08"})
    assert r.status_code == 403 and not Bulletin.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"from": "2026-03-08", "to": "2026-03-02"}, "from"),
        ({"from": "2026-02-30", "to": "2026-03-02"}, "from"),
        ({"from": "2026-03-02", "to": "soon"}, "to"),
        ({"from": "2024-01-01", "to": "2025-06-30"}, "to"),
    ],
)
def test_the_form_names_the_bad_field(as_, office, data, field):
    r = as_(office).post(reverse("cockpit:bulletins"), data)
    assert r.status_code == 400
    assert r.context["form"].errors.get(field), r.context["form"].errors
    assert not Bulletin.objects.exists()


PAGE_QUERIES = 5  # session, person, count, the inbox's badge, the page of bulletins


def test_the_archive_is_a_constant_number_of_queries(as_, week, office, django_assert_max_num_queries):
    c = as_(office)
    make(office)
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert c.get(reverse("cockpit:bulletins")).status_code == 200
    for i in range(1, 6):
        start = WEEK[0] - timedelta(days=7 * i)
        make(office, start, start + timedelta(days=6))
    with django_assert_max_num_queries(PAGE_QUERIES):
        page = c.get(reverse("cockpit:bulletins"))
    assert 'data-count="6"' in page.content.decode()


def test_talks_are_counted_and_only_accountability_made_public_is_named(week, office, leader, unit_a, unit_b, head_a):
    from luoshi.oversight.models import Accountability, Talk

    now = MONDAY_AFTER
    for kind, day in (("reminder", date(2026, 3, 3)), ("reminder", date(2026, 3, 4)), ("criticism", date(2026, 3, 5))):
        Talk.objects.create(kind=kind, subject_kind="unit", unit=unit_a, held_on=day, created_by=office, created_at=now)
    Talk.objects.create(
        kind="reminder", subject_kind="unit", unit=unit_a, held_on=date(2026, 2, 27), created_by=office, created_at=now
    )
    common = {
        "subject_kind": "person",
        "decided_on": date(2026, 3, 6),
        "body": "市纪委",
        "created_by": office,
        "created_at": now,
    }
    Accountability.objects.create(unit=unit_a, person=head_a, measures=["admonition"], public=True, **common)
    Accountability.objects.create(unit=unit_b, person=office, measures=["notice"], public=False, **common)
    b, _ = make(office)
    cases = b.figures["cases"]
    assert cases["talks"] == 3 and cases["talks_by_kind"] == {"reminder": 2, "criticism": 1}
    assert cases["public_accountability"] == 1
    assert [(a["unit_name"], a["person"]) for a in cases["accountability"]] == [("市工信委", "工信委主任")]
    words = docx_text(bytes(b.docx))
    assert "提醒约谈2次" in words and "诫勉" in words and "公开问责1起" in words
    assert "城关区" not in [cell for cell in words.splitlines() if "市纪委" in cell]


def test_what_the_bulletin_reads_besides_the_sections_is_a_constant_number_of_queries(
    week, office, leader, unit_a, unit_b, django_assert_max_num_queries
):
    from tests.duties.conftest import publish

    def parts() -> None:
        start, end = WEEK
        day = date(2026, 3, 8)
        bulletin_data.lists_part(start, end, day)
        bulletin_data.league_part(start, end, day)
        bulletin_data.rates_part(start, end, MONDAY_AFTER)
        bulletin_data.findings_part(start, end, day)
        bulletin_data.cases_part(start, end)
        bulletin_data.frontline_part(day)

    with django_assert_max_num_queries(PARTS_QUERIES):
        parts()
    for i in range(6):
        publish(office, unit_a, [unit_b], leader=leader, title=f"任务{i}", day=date(2026, 2, 2))
        publish(office, unit_b, leader=leader, title=f"新任务{i}", day=date(2026, 3, 3))
    with django_assert_max_num_queries(PARTS_QUERIES):
        parts()


PARTS_QUERIES = 22  # three per table of lists (count, rows, lead units), the league, rates, findings…


def test_new_findings_per_unit_are_counted(office, inspector, inspection, unit_a, unit_b, category, tmp_path):  # noqa: F811
    from django.utils import timezone

    from tests.oversight.inspections.conftest import record

    record(inspector, inspection, unit_a, category)
    record(inspector, inspection, unit_a, category, description="工信委督办件答复不及时")
    record(inspector, inspection, unit_b, category, description="城关区窗口服务群众态度生硬")
    today = timezone.localdate()
    b, _ = make(office, today - timedelta(days=today.weekday()), today, now=timezone.now())
    found = b.figures["findings"]
    assert (found["new"], found["rectified"]) == (3, 0)
    assert [(u["unit_name"], u["new"]) for u in found["units"]] == [("市工信委", 2), ("城关区", 1)]
    assert "本期督查新发现问题3个" in pdf_text(bytes(b.pdf), tmp_path).replace(" ", "")
