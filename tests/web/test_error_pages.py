"""Refusals answer a page of the site and one line in the log: 403, 404, 405 (a GET on a form's address),
a service's uncaught refusal, an expired form; /favicon.ico exists."""

import logging
import sys

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.web.log import OneLineRefusals
from tests.conftest import english


def request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_get_on_a_form_only_address_explains_and_links_back(as_, published_list, liaison_a, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = as_(liaison_a).get(reverse("lists:report", args=[published_list.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert next(t.name for t in response.templates) == "405.html"
    html = response.content.decode()
    assert "This action needs its form" in html
    assert f'href="{reverse("lists:loop", args=[published_list.pk])}" id="error-back"' in html
    assert 'id="nav-main"' in html  # the site's own page, with the person's menu
    assert len(request_records(caplog)) == 1, "logged once, not again for the page"


def test_every_form_only_address_gets_the_page(as_, published_list, office):
    client = as_(office)
    for name in ("lists:close", "lists:publish", "lists:accept", "lists:extension"):
        response = client.get(reverse(name, args=[published_list.pk]))
        assert response.status_code == 405 and b"This action needs its form" in response.content, name


def test_the_api_keeps_its_json_for_a_wrong_method(api, office):
    response = api(office).get("/escalations/run")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")


def test_a_refusal_is_a_page_and_one_log_line_without_traceback(as_, liaison_a, caplog):
    caplog.set_level(logging.INFO, logger="django.request")
    response = as_(liaison_a).get(reverse("escalation:board"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="error-reason"' in html and "This page is for the supervision office." in html
    assert "signed in as 工信委联络员" in html
    [record] = request_records(caplog)
    assert record.levelno == logging.WARNING and record.exc_info is None and record.exc_text is None
    assert record.getMessage() == (
        "Forbidden (Permission denied): /escalation/board/ (This page is for the supervision office.)"
    )


def test_an_api_refusal_is_one_line_too(api, liaison_a, caplog):
    caplog.set_level(logging.INFO, logger="django.request")
    response = api(liaison_a).post("/units", {"name": "新单位", "kind": "department"})
    assert response.status_code == 403
    records = request_records(caplog)
    assert records and all(r.exc_info is None for r in records)
    assert all("\n" not in r.getMessage() for r in records)


def test_a_missing_page_is_the_sites_404(as_, liaison_a):
    response = as_(liaison_a).get(reverse("lists:loop", args=[999_999]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Not found, or not yours to see." in html and 'id="nav-main"' in html
    assert f'href="{reverse("lists:index")}" id="error-back"' in html


@pytest.mark.urls("tests.web.refusing_urls")
def test_a_services_uncaught_refusal_is_403_not_500(as_, liaison_a, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = as_(liaison_a).get("/test-refuses/")
    assert response.status_code == 403
    assert b"Only the supervision office may do this." in response.content
    assert all(r.exc_info is None for r in request_records(caplog))
    assert as_(liaison_a).get("/test-finds-nothing/").status_code == 404


@pytest.mark.urls("tests.web.refusing_urls")
def test_under_the_api_the_middleware_leaves_refusals_to_the_api(as_, liaison_a):
    client = as_(liaison_a)
    client.raise_request_exception = False
    response = client.get("/api/v1/test-refuses")
    # not turned into the web's 403 page: under /api/ the API's own handlers decide (here, no handler: 500)
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")


def test_server_errors_keep_their_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x",), exc_info
    )
    record.status_code = 500
    assert OneLineRefusals().filter(record) and record.exc_info is exc_info


def test_an_expired_form_says_so(published_list, liaison_a):
    client = english(Client(enforce_csrf_checks=True))
    client.force_login(liaison_a)
    response = client.post(reverse("lists:report", args=[published_list.pk]), {"unit": 1})
    assert response.status_code == 403
    assert b"The form has expired" in response.content and b"Nothing was changed." in response.content


def test_favicon_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content if icon.streaming else [icon.content])[:4] == b"\x00\x00\x01\x00"


def test_every_page_links_the_icon(as_, liaison_a):
    html = as_(liaison_a).get(reverse("lists:inbox")).content.decode()
    assert 'rel="icon" href="/static/luoshi/favicon.ico"' in html
    assert 'rel="icon" href="/static/luoshi/favicon.svg" type="image/svg+xml"' in html
