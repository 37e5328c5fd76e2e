"""Open311's fixtures: a client's key, a POST as a client sends it, the answer read in either format."""

import json

import pytest
from defusedxml import ElementTree

from luoshi.public.open311 import keys
from tests.conftest import NOW

BASE = "/open311/v2/"


@pytest.fixture
def api_key(office) -> str:
    return keys.do_issue_key(office, "FixMyStreet 兰州", NOW)[1]


def form(api_key: str, **changes) -> dict:
    values = {
        "api_key": api_key or None,
        "jurisdiction_id": "lanzhou.gov.cn",
        "service_code": "city_appearance",
        "lat": "36.061089",
        "long": "103.834304",
        "address_string": "城关区张掖路 58 号",
        "description": "人行道井盖缺失，夜间行人容易踩空。",
        "first_name": "三",
        "last_name": "张",
        "email": "zhangsan@example.com",
        "phone": "13800001111",
        **changes,
    }
    return {k: v for k, v in values.items() if v is not None}


def read(response) -> object:
    """The answer as data: JSON as it is; XML as (root tag, [child elements as dicts]) where each child
    holds text leaves, which is what every GeoReport list and error is."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)
    root = ElementTree.fromstring(response.content)
    return root.tag, [{leaf.tag: leaf.text for leaf in child} for child in root]


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def post(client, api_key: str, fmt: str = "xml", headers: dict | None = None, **changes):
    return client.post(f"{BASE}requests.{fmt}", form(api_key, **changes), headers=headers or {})


def error_of(response) -> tuple[int, str]:
    """The first error's code and description, in either format."""
    data = read(response)
    if isinstance(data, tuple):
        tag, errors = data
        assert tag == "errors"
        return int(errors[0]["code"]), errors[0]["description"]
    return data[0]["code"], data[0]["description"]
