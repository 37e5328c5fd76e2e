"""The citizens' pages without login: the form (local assets only, accessible fields with stable ids, the
active categories, a notice without JavaScript), the page with a new tracking code, the code box, a code's
status page and the portal (no personal data, Cache-Control public, no cookie)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.public import dispatch, handling, intake, portal
from luoshi.public.models import Category, Problem
from tests.conftest import english
from tests.public.conftest import submission

NAME, CONTACT = "赵秀英", "13987654321"
ATTRIBUTE = re.compile(r"""\b(?:src|href|action|data-[a-z-]*url)\s*=\s*["']([^"']*)["']""")


@pytest.fixture
def en(client) -> Client:
    return english(client)


def web_problem(office=None, **changes) -> Problem:
    values = {"reporter_name": NAME, "reporter_contact": CONTACT, **changes}
    return intake.do_submit(None, submission(channel="web", **values))[0]


def replied(office, liaison, unit, **changes) -> Problem:
    p = web_problem(**changes)
    intake.do_accept(office, p)
    dispatch.do_dispatch(office, p, unit.pk)
    handling.do_sign(liaison, p, unit.pk)
    handling.do_reply(liaison, p, unit.pk, "已清运完毕，并加密清运频次。")
    return p


def assert_public(response, *, cacheable: bool = True) -> None:
    assert not response.cookies, response.cookies  # no session, no CSRF token, nothing
    if cacheable:
        assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]


def assert_only_local(html: str) -> None:
    refs = ATTRIBUTE.findall(html)
    assert refs
    for ref in refs:
        assert ref.startswith(("/", "#", "?")) and not ref.startswith("//"), ref
    assert "http://" not in html and "https://" not in html
    # The CSP allows no inline script or style.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\sstyle\s*=|<style|\son[a-z]+\s*=", html)


def test_the_form_has_its_fields_labelled_and_only_local_assets(en, db):
    response = en.get(reverse("citizen:form"))
    assert response.status_code == 200
    assert_public(response)
    html = response.content.decode()
    assert_only_local(html)
    for name in ("category", "content", "place", "reporter_name", "reporter_contact"):
        assert f'id="id_{name}"' in html and f'for="id_{name}"' in html
        assert f'id="id_{name}_error"' in html  # each field's error, linked by aria-describedby
        assert re.search(rf'id="id_{name}"[^>]*aria-describedby="[^"]*id_{name}_error', html)
    assert 'id="public-form"' in html and 'id="public-submit"' in html
    assert "<noscript>" in html and "needs JavaScript" in html
    assert "/static/luoshi/public-form.js" in html
    assert 'data-challenge-url="/api/v1/public/challenge"' in html and 'action="/api/v1/public/problems"' in html
    assert 'name="viewport"' in html


def test_the_form_lists_the_active_categories(en, db):
    Category.objects.filter(name="教育").update(active=False)
    html = en.get(reverse("citizen:form")).content.decode()
    assert ">市容环境</option>" in html and ">教育</option>" not in html


def test_the_form_needs_no_login_and_speaks_chinese_first(client, db):
    response = client.get(reverse("citizen:form"))
    assert response.status_code == 200 and '<html lang="zh-hans">' in response.content.decode()


def test_the_submitted_page_shows_the_code_to_copy(en, db):
    p = web_problem()
    response = en.get(reverse("citizen:submitted", args=[p.code]))
    assert response.status_code == 200 and not response.cookies
    html = response.content.decode()
    assert re.search(rf'id="tracking-code"[^>]*>{p.code}<', html)
    assert 'id="copy-code"' in html and reverse("citizen:status", args=[p.code]) in html
    assert NAME not in html and CONTACT not in html
    assert "no-store" in response["Cache-Control"]
    assert_only_local(html)


def test_the_submitted_page_of_an_unknown_code_is_404(en, db):
    assert en.get(reverse("citizen:submitted", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"])).status_code == 404


def test_the_code_box_takes_a_code_as_typed(en, db):
    p = web_problem()
    response = en.get(reverse("citizen:track"))
    assert response.status_code == 200 and 'id="id_code"' in response.content.decode()
    assert_public(response)
    typed = p.code.lower().replace("-", " ")
    response = en.get(reverse("citizen:track"), {"code": typed})
    assert response.status_code == 302 and response["Location"] == reverse("citizen:status", args=[p.code])


def test_the_code_box_explains_a_malformed_code(en, db):
    response = en.get(reverse("citizen:track"), {"code": "ABC"})
    html = response.content.decode()
    assert response.status_code == 200 and 'aria-invalid="true"' in html and 'id="id_code_error"' in html
    assert "20 letters and digits" in html


def test_the_status_page_shows_progress_and_reply_but_never_the_reporter(en, office, liaison_a, unit_a):
    p = replied(office, liaison_a, unit_a)
    response = en.get(reverse("citizen:status", args=[p.code]))
    assert response.status_code == 200
    assert_public(response)
    html = response.content.decode()
    assert re.search(r'id="problem-status"[^>]*>Replied<', html)
    assert re.search(r'id="problem-reply"[^>]*>已清运完毕，并加密清运频次。<', html)
    assert f"Dispatched to {unit_a.name}" in html and f"Signed for by {unit_a.name}" in html
    for private in (NAME, CONTACT, liaison_a.name, liaison_a.username, office.name):
        assert private not in html
    assert_only_local(html)


def test_the_status_page_before_a_reply_has_no_reply(en, db):
    p = web_problem()
    html = en.get(reverse("citizen:status", args=[p.code])).content.decode()
    assert re.search(r'id="problem-status"[^>]*>Received, awaiting review<', html) and 'id="problem-reply"' not in html


def test_a_status_page_as_typed_redirects_to_its_one_address(en, db):
    p = web_problem()
    response = en.get(reverse("citizen:status", args=[p.code.lower()]))
    assert response.status_code == 302 and response["Location"] == reverse("citizen:status", args=[p.code])


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", "nonsense", "1", "ABCD" * 30])
def test_an_unknown_or_malformed_code_is_404_without_cookies(en, db, code):
    web_problem()
    response = en.get(reverse("citizen:status", args=[code]))
    assert response.status_code == 404 and not response.cookies
    assert "No report has this tracking code" in response.content.decode()


def test_the_portal_shows_hot_issues_rankings_and_figures_without_personal_data(en, office, liaison_a, unit_a):
    p = replied(office, liaison_a, unit_a, content=f"路灯不亮，联系{NAME} {CONTACT}\n细节", place="张掖路 1 号")
    handling.do_expose(office, p)
    quiet = web_problem(content="另一件未曝光的问题")
    response = en.get(reverse("citizen:portal"))
    assert response.status_code == 200
    assert_public(response)
    html = response.content.decode()
    assert 'id="hot-issues"' in html and "路灯不亮" in html and unit_a.name in html
    assert quiet.content not in html
    for private in (NAME, CONTACT, p.code, quiet.code, liaison_a.name, office.name):
        assert private not in html
    assert not re.search(r"\d{8,}", html.replace(p.created_at.strftime("%Y"), ""))  # no phone-like number
    assert 'id="figure-received"' in html and 'id="figure-exposed"' in html
    assert 'id="unit-rankings"' in html or "No figures for this month." in html
    assert_only_local(html)


def test_the_portal_shows_the_figures_the_city_chose(en, db, settings):
    settings.LUOSHI_PUBLIC_PORTAL_FIGURES = ["received", "closed"]
    html = en.get(reverse("citizen:portal")).content.decode()
    assert 'id="figure-received"' in html and 'id="figure-closed"' in html
    assert 'id="figure-exposed"' not in html and 'id="rankings-heading"' not in html


def test_the_portal_masks_what_could_identify_the_reporter(db):
    p = web_problem(content=f"{NAME}反映：请回电 13911112222 或 {CONTACT}")
    title = portal.public_title(p)
    assert NAME not in title and CONTACT not in title and "13911112222" not in title


def test_the_portal_costs_the_same_queries_whatever_the_number_of_issues(en, office, liaison_a, unit_a):
    from django.core.cache import cache
    from django.db import connection

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert en.get(reverse("citizen:portal")).status_code == 200
        return len(captured)

    handling.do_expose(office, replied(office, liaison_a, unit_a))
    few = count()
    for _ in range(4):
        handling.do_expose(office, replied(office, liaison_a, unit_a))
    assert count() == few


def test_the_portal_is_built_once_a_minute(en, db, django_assert_num_queries):
    en.get(reverse("citizen:portal"))
    with django_assert_num_queries(0):
        assert en.get(reverse("citizen:portal")).status_code == 200


def test_the_ranking_month_is_the_last_complete_one():
    today = timezone.localdate()
    month = portal.ranking_month(today)
    assert month.day == 1 and month < today.replace(day=1) and month + timedelta(days=31) >= today.replace(day=1)


def test_the_language_switch_is_a_link_and_stays_on_the_site(client, db):
    response = client.get(reverse("citizen:language", args=["en"]), {"next": "/public/track/"})
    assert response.status_code == 302 and response["Location"] == "/public/track/"
    assert response.cookies["django_language"].value == "en"
    away = client.get(reverse("citizen:language", args=["en"]), {"next": "https://example.com/"})
    assert away["Location"] == reverse("citizen:portal")


def test_the_pages_refuse_a_post(client, db):
    assert client.post(reverse("citizen:form")).status_code == 405
