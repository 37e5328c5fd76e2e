import hashlib

from luoshi.cli import main
from luoshi.org.models import ApiToken


def test_token_create_prints_a_working_token_as_its_last_line(capsys, liaison_a, client):
    main(["token", "create", liaison_a.username])
    token = capsys.readouterr().out.strip().splitlines()[-1]
    stored = ApiToken.objects.get(person=liaison_a)
    # Only the hash is stored: SHA-256 of the raw token, and the raw token nowhere in the row.
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.key_hash, stored.prefix} and stored.prefix == token[:8]
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
