"""The OpenAPI document declares the error answers and the closed vocabularies; the docs page is offline."""

import re

import pytest

ERROR_REF = "#/components/schemas/ErrorOut"


@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").json()


def operations(doc):
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            yield f"{method.upper()} {path}", path, op


def test_every_operation_declares_its_error_answers(doc):
    ops = list(operations(doc))
    assert len(ops) >= 20
    for name, path, op in ops:
        responses = op["responses"]
        for code in ("400", "401"):
            assert responses[code]["content"]["application/json"]["schema"]["$ref"] == ERROR_REF, name
        if "{" in path:
            assert "404" in responses, name
        if op.get("requestBody") and name not in {"POST /api/v1/notifications/read"}:
            assert "403" in responses, name  # every write but one's own inbox is someone's to refuse


def test_state_changes_declare_409(doc):
    for name, _path, op in operations(doc):
        if re.search(r"/(publish|reports|accept|return|extensions|close|decide)$", name):
            assert "409" in op["responses"], name


def test_the_error_shape_names_detail_and_field(doc):
    schema = doc["components"]["schemas"]["ErrorOut"]
    assert schema["required"] == ["detail"]
    assert {"detail", "field"} <= set(schema["properties"])


def _enum(doc, schema: dict) -> list[str] | None:
    """The enum of a schema, following one $ref and an optional null alternative."""
    for alt in schema.get("anyOf", [schema]):
        if "$ref" in alt:
            alt = doc["components"]["schemas"][alt["$ref"].rsplit("/", 1)[1]]
        if "enum" in alt:
            return alt["enum"]
    return None


@pytest.mark.parametrize(
    ("path", "param", "expected"),
    [
        ("/api/v1/lists", "status", {"draft", "in_progress", "closed"}),
        ("/api/v1/lists", "source", {"meeting", "instruction", "media"}),
        ("/api/v1/lists", "light", {"green", "yellow", "red"}),
        ("/api/v1/escalations", "step", {"reminder", "urge", "order", "talk_proposal"}),
        ("/api/v1/stats/units", "sort", {"unit_name", "on_time_rate"}),
    ],
)
def test_query_vocabularies_are_enums(doc, path, param, expected):
    params = {p["name"]: p for p in doc["paths"][path]["get"]["parameters"]}
    assert expected <= set(_enum(doc, params[param]["schema"]) or [])


@pytest.mark.parametrize(
    ("schema", "prop", "expected"),
    [
        ("ListOut", "status", {"draft", "in_progress", "closed"}),
        ("ListOut", "source", {"instruction"}),
        ("ListOut", "light", {"green", "yellow", "red"}),
        ("ObligationOut", "role", {"lead", "co"}),
        ("ObligationOut", "status", {"in_progress", "completed"}),
        ("ObligationOut", "light", {"red"}),
        ("ExtensionOut", "status", {"pending", "approved", "refused"}),
        ("EscalationOut", "step", {"urge", "order"}),
        ("UnitOut", "kind", {"department", "district", "town", "office"}),
        ("ListIn", "source", {"meeting"}),
        ("UnitIn", "kind", {"town"}),
    ],
)
def test_output_and_input_vocabularies_are_enums(doc, schema, prop, expected):
    props = doc["components"]["schemas"][schema]["properties"]
    assert expected <= set(_enum(doc, props[prop]) or [])


def test_roles_are_an_enum(doc):
    roles = doc["components"]["schemas"]["PersonOut"]["properties"]["roles"]
    expected = {
        "admin",
        "security",
        "auditor",
        "office",
        "leader",
        "unit_head",
        "liaison",
        "discipline",
        "organisation",
    }
    assert expected == set(_enum(doc, roles["items"]) or [])


def test_ids_and_pages_are_bounded_in_the_document(doc):
    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/lists"]["get"]["parameters"]}
    assert params["limit"]["maximum"] == 200
    assert params["offset"]["maximum"] == 2**31 - 1
    unit = params["unit"]["anyOf"][0]
    assert (unit["minimum"], unit["maximum"]) == (1, 2**31 - 1)
    path_id = doc["paths"]["/api/v1/lists/{list_id}"]["get"]["parameters"][0]["schema"]
    assert path_id["maximum"] == 2**31 - 1
    key = next(p for p in doc["paths"]["/api/v1/lists/{list_id}/reports"]["post"]["parameters"] if p["in"] == "header")
    assert key["name"] == "Idempotency-Key" and key["schema"]["anyOf"][0]["maxLength"] == 64


def test_the_docs_page_loads_swagger_from_our_own_static_files(client, office):
    client.force_login(office)
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(u.endswith("swagger-ui-bundle.js") for u in urls)
    for url in urls:
        assert url.startswith("/static/"), url
        assert client.get(url).status_code == 200, url
    assert "https://" not in html and "//cdn" not in html.lower()
