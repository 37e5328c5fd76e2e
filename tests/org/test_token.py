from luoshi.cli import main
from luoshi.org.models import ApiToken


def test_token_create_prints_a_working_token_as_its_last_line(capsys, liaison_a, client):
    main(["token", "create", liaison_a.username])
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert ApiToken.objects.filter(person=liaison_a).count() == 1
    assert token not in {t.key_hash for t in ApiToken.objects.all()}  # only the hash is stored
    r = client.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200


def test_a_deactivated_person_loses_api_access(liaison_a, client):
    token = ApiToken.issue(liaison_a)
    liaison_a.is_active = False
    liaison_a.save()
    assert client.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_token_records_its_use_at_most_once_a_minute(liaison_a, client):
    token = ApiToken.issue(liaison_a)
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/units", headers=headers)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get("/api/v1/units", headers=headers)
    assert ApiToken.objects.get().last_used_at == first
