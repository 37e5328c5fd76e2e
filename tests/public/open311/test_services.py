"""Discovery, the services (the categories) and their definitions, in XML and JSON; Open311's errors for
what does not exist; no login anywhere."""

import json

import pytest

from luoshi.public import categories
from luoshi.public.models import Category
from tests.conftest import NOW
from tests.public.open311.conftest import BASE, error_of, read, xml

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.django_db
def test_discovery_names_the_endpoint_and_both_formats(client):
    root = xml(client.get(f"{BASE}discovery.xml"))
    assert root.tag == "discovery"
    assert [e.tag for e in root] == ["changeset", "contact", "key_service", "endpoints"]
    assert all((root.findtext(t) or "").strip() for t in ("changeset", "contact", "key_service"))
    (endpoint,) = root.find("endpoints")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2/"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    data = json.loads(client.get(f"{BASE}discovery.json").content)
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert data["changeset"] == root.findtext("changeset") and data["contact"] == root.findtext("contact")
    assert client.get(BASE).content == client.get(f"{BASE}discovery.xml").content  # the root answers it too


def test_the_changeset_follows_the_categories(client, admin):
    first = read(client.get(f"{BASE}discovery.json"))["changeset"]
    categories.do_add_category(admin, "占道经营", "street_vending", NOW)
    changed = read(client.get(f"{BASE}discovery.json"))["changeset"]
    assert first == "2026-01-01T00:00:00+08:00" and changed == "2026-03-02T10:00:00+08:00"


@pytest.mark.django_db
def test_services_are_the_active_categories_in_both_formats(client):
    Category.objects.filter(code="other").update(active=False, description="")
    Category.objects.filter(code="food_safety").update(description="餐饮、食品生产经营")
    tag, rows = read(client.get(f"{BASE}services.xml"))
    assert tag == "services"
    codes = [r["service_code"] for r in rows]
    assert "other" not in codes and codes[0] == "food_safety" and len(codes) == 9
    assert rows[0] == {
        "service_code": "food_safety",
        "service_name": "食品安全",
        "description": "餐饮、食品生产经营",
        "metadata": "false",
        "type": "realtime",
        "keywords": None,
        "group": None,
    }
    data = read(client.get(f"{BASE}services.json"))
    assert data[0] == {
        "service_code": "food_safety",
        "service_name": "食品安全",
        "description": "餐饮、食品生产经营",
        "metadata": False,
        "type": "realtime",
        "keywords": None,
        "group": None,
    }
    assert [s["service_code"] for s in data] == codes


@pytest.mark.django_db
def test_a_definition_has_no_attributes(client):
    root = xml(client.get(f"{BASE}services/transport.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "transport" and len(root.find("attributes")) == 0
    assert read(client.get(f"{BASE}services/transport.json")) == {"service_code": "transport", "attributes": []}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_or_retired_service_is_404(client, fmt):
    Category.objects.filter(code="other").update(active=False)
    for code in ("nope", "other", "%00", "Food_Safety"):
        r = client.get(f"{BASE}services/{code}.{fmt}", **EN)
        assert r.status_code == 404
        assert error_of(r) == (404, "service_code: No such service.")


@pytest.mark.django_db
def test_unknown_paths_and_methods_answer_open311_errors(client):
    r = client.get(f"{BASE}nothing.json")
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json") and error_of(r)[0] == 404
    assert client.get(f"{BASE}services.html").status_code == 404
    r = client.post(f"{BASE}services.xml")
    assert r.status_code == 405 and r["Allow"] == "GET" and error_of(r)[0] == 405
    assert client.head(f"{BASE}services.xml").status_code == 200


@pytest.mark.django_db
def test_jurisdiction_id_is_ignored_as_the_specification_allows(client):
    plain = client.get(f"{BASE}services.json").content
    assert client.get(f"{BASE}services.json", {"jurisdiction_id": "anything.example"}).content == plain


@pytest.mark.django_db
def test_errors_speak_chinese_unless_asked_for_english(client):
    r = client.get(f"{BASE}services/nope.xml")
    assert r["Content-Language"] == "zh-hans"
    assert client.get(f"{BASE}services/nope.xml", **EN)["Content-Language"] == "en"
