"""/api/v1/open311/keys: the keys Open311 clients post requests with (the admin's or the office's). A new
key is shown in its 201 answer only; the list shows each key's prefix, never the key. A repeated
Idempotency-Key issues nothing new: 200 with the first key's id and `api_key` null (it is not kept)."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Header, Router, Schema

from luoshi.org.caller import caller
from luoshi.public.models import Open311Key
from luoshi.public.open311 import keys
from luoshi.schemas import ONE_LINE, VISIBLE_LINE, BodyIn, Id, errors

router = Router(tags=["public problems"])

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating a request with the same key issues one key; the same key with another name is 409.",
)


class KeyIn(BodyIn):
    name: Annotated[str, Field(min_length=1, max_length=keys.NAME_MAX), VISIBLE_LINE] = Field(
        ..., description="The client the key is for, e.g. FixMyStreet 兰州."
    )


class KeyOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The key's first 8 characters, to tell keys apart.")
    created_at: datetime
    revoked_at: datetime | None


class NewKeyOut(KeyOut):
    api_key: str | None = Field(
        description="What the client sends as api_key. Shown in this answer only; null on a repeated request."
    )


def _out(key: Open311Key, raw: str | None = None, *, with_key: bool = False) -> dict:
    out = {
        "id": key.pk,
        "name": key.name,
        "prefix": key.prefix,
        "created_at": key.created_at,
        "revoked_at": key.revoked_at,
    }
    return {**out, "api_key": raw} if with_key else out


@router.post(
    "/open311/keys", response={201: NewKeyOut, 200: NewKeyOut, **errors(403, 409)}, summary="Issue an Open311 key"
)
def issue_key(request: HttpRequest, payload: KeyIn, idempotency_key: Annotated[str | None, ONE_LINE] = IDEMPOTENCY_KEY):
    key, raw = keys.do_issue_key(caller(request), payload.name, timezone.now(), submission_key=idempotency_key or None)
    return (201 if raw is not None else 200), _out(key, raw, with_key=True)


@router.get("/open311/keys", response={200: list[KeyOut], **errors(403)}, summary="The Open311 keys")
def list_keys(request: HttpRequest):
    return [_out(k) for k in keys.keys_for(caller(request))]


@router.post(
    "/open311/keys/{int:key_id}/revoke", response={200: KeyOut, **errors(403, 404)}, summary="Revoke an Open311 key"
)
def revoke_key(request: HttpRequest, key_id: Id):
    """Revoking a revoked key changes nothing (200)."""
    key, _changed = keys.do_revoke_key(caller(request), key_id, timezone.now())
    return _out(key)
