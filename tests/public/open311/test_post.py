"""POST requests as FixMyStreet sends them (form-encoded, api_key, jurisdiction_id, first and last name,
e-mail, phone, media_url, attributes), the answers in XML and JSON, every refusal naming its argument,
a repeated POST stored once; tokens (the tracking code) lead to the request."""

import pytest

from luoshi.events.models import Event
from luoshi.public.models import Category, Channel, Open311Key, Problem, Status
from luoshi.public.open311 import keys
from tests.conftest import NOW
from tests.public.open311.conftest import BASE, error_of, form, post, read, xml

EN = {"Accept-Language": "en"}


def test_a_client_posts_a_problem_and_gets_its_id_and_notice(client, api_key):
    r = post(client, api_key, **{"attribute[WHISPAWN]": "123", "device_id": "tt222111", "account_id": "9"})
    assert r.status_code == 201
    root = xml(r)
    assert root.tag == "service_requests"
    (request,) = root
    assert [e.tag for e in request] == ["service_request_id", "service_notice", "account_id"]
    p = Problem.objects.get()
    assert request.findtext("service_request_id") == str(p.pk) and request.findtext("account_id") == ""
    assert p.code in request.findtext("service_notice")
    assert (p.channel, p.status, p.category.code) == (Channel.OPEN311, Status.PENDING, "city_appearance")
    assert p.client == Open311Key.objects.get() and p.created_by is None
    assert p.reporter_name == "张三"  # a Chinese name: family name first
    assert p.reporter_contact == "zhangsan@example.com / 13800001111"
    assert (str(p.lat), str(p.lon), p.place) == ("36.061089", "103.834304", "城关区张掖路 58 号")
    assert Event.objects.filter(kind="problem.received", subject_id=p.pk).exists()


def test_the_json_answer_is_an_array(client, api_key):
    r = post(client, api_key, "json", first_name="John", last_name="Smith", media_url="https://img.example/1.jpg")
    assert r.status_code == 201 and r["Content-Type"] == "application/json; charset=utf-8"
    (row,) = read(r)
    p = Problem.objects.get()
    assert row["service_request_id"] == str(p.pk) and row["account_id"] is None and row["service_notice"]
    assert p.reporter_name == "John Smith"
    assert p.content.endswith("\n\nhttps://img.example/1.jpg")


def test_an_address_alone_or_coordinates_alone_will_do(client, api_key):
    assert post(client, api_key, lat=None, long=None).status_code == 201
    assert post(client, api_key, address_string=None).status_code == 201
    assert post(client, api_key, lat="", long="", address_string="", address_id="A-1024").status_code == 201
    assert Problem.objects.filter(place="A-1024").exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_without_a_valid_key_a_post_is_403(client, api_key, office, fmt):
    for sent in (None, "", "wrong", "x" * 500):
        r = client.post(
            f"{BASE}requests.{fmt}", {**form(api_key), "api_key": sent} if sent is not None else form(""), headers=EN
        )
        assert r.status_code == 403
        code, description = error_of(r)
        assert code == 403 and description.startswith("api_key:")
    keys.do_revoke_key(office, Open311Key.objects.get(), NOW)
    assert post(client, api_key, fmt).status_code == 403
    assert not Problem.objects.exists()


@pytest.mark.parametrize(
    ("changes", "status", "argument"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "nope"}, 404, "service_code"),
        ({"service_code": "other"}, 404, "service_code"),  # taken out of use
        ({"service_code": "a\x00b"}, 404, "service_code"),
        ({"lat": None, "long": None, "address_string": None}, 400, "lat"),
        ({"lat": "91"}, 400, "lat"),
        ({"lat": "north"}, 400, "lat"),
        ({"long": None}, 400, "long"),
        ({"long": "nan"}, 400, "long"),
        ({"description": None}, 400, "description"),
        ({"description": "   "}, 400, "description"),
        ({"description": "a\x00b"}, 400, "description"),
        ({"description": "x" * 4001}, 400, "description"),
        ({"address_string": "x" * 201}, 400, "address_string"),
        ({"first_name": "x" * 61, "last_name": ""}, 400, "first_name"),
        ({"last_name": "a\x07"}, 400, "last_name"),
        ({"email": "x" * 101}, 400, "email"),
        ({"phone": "1\x0b3"}, 400, "phone"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"media_url": "https://x/" + "a" * 1000}, 400, "media_url"),
    ],
)
def test_bad_input_is_400_or_404_naming_the_argument(client, api_key, changes, status, argument):
    Category.objects.filter(code="other").update(active=False)
    r = post(client, api_key, headers=EN, **changes)
    assert r.status_code == status
    code, description = error_of(r)
    assert code == status and description.startswith(f"{argument}: ")
    assert not Problem.objects.exists()


def test_the_same_post_with_the_same_idempotency_key_is_stored_once(client, api_key, office):
    first = post(client, api_key, headers={"Idempotency-Key": "fms-report-77"})
    again = post(client, api_key, "json", headers={"Idempotency-Key": "fms-report-77"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert xml(first)[0].findtext("service_request_id") == read(again)[0]["service_request_id"]
    assert Problem.objects.count() == 1
    # Another client's same header is its own request.
    other = keys.do_issue_key(office, "另一客户端", NOW)[1]
    assert post(client, other, headers={"Idempotency-Key": "fms-report-77"}).status_code == 201
    assert post(client, api_key).status_code == 201  # no header: a new request each time
    assert Problem.objects.count() == 3
    r = post(client, api_key, headers={"Idempotency-Key": "k" * 65, **EN})
    assert r.status_code == 400 and error_of(r)[1].startswith("Idempotency-Key: ")


def test_a_get_with_a_key_posts_nothing(client, api_key):
    assert client.get(f"{BASE}requests.xml", {"api_key": api_key, "service_code": "transport"}).status_code == 200
    assert not Problem.objects.exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_token_is_the_tracking_code_and_leads_to_the_id(client, api_key, office, fmt):
    post(client, api_key)
    p = Problem.objects.get()
    for token in (p.code, p.code.lower().replace("-", "")):
        r = client.get(f"{BASE}tokens/{token}.{fmt}")
        assert r.status_code == 200
        rows = read(r)
        rows = rows[1] if fmt == "xml" else rows
        assert rows == [{"service_request_id": str(p.pk), "token": p.code}]
    assert client.get(f"{BASE}tokens/AAAA-BBBB.{fmt}").status_code == 404
    # A problem that is not public (a hotline call) has no token here.
    from luoshi.public import intake
    from tests.public.conftest import submission

    hotline = intake.do_submit(office, submission())[0]
    r = client.get(f"{BASE}tokens/{hotline.code}.{fmt}", headers=EN)
    assert r.status_code == 404 and error_of(r) == (404, "token: No such token.")
