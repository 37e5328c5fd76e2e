"""/api/v1/me/tokens: the signed-in person's own API tokens: list, create (the token shown once), revoke."""

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpResponse
from ninja import Field, Router, Schema

from luoshi.errors import NotFound
from luoshi.org import tokens
from luoshi.org.caller import caller
from luoshi.org.models import ApiToken
from luoshi.schemas import ONE_LINE, BodyIn, Id, errors

router = Router(tags=["me"])


class TokenOut(Schema):
    id: int
    prefix: str = Field(
        description="The token's first characters, to tell tokens apart (the token is never shown again)."
    )
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    state: Literal["active", "expired", "revoked"]

    @staticmethod
    def resolve_state(obj: ApiToken) -> str:
        return obj.state()


class NewTokenOut(TokenOut):
    token: str = Field(description="Send as `Authorization: Bearer <token>`. Shown this once only.")


class TokenIn(BodyIn):
    name: Annotated[str, Field(max_length=tokens.NAME_MAX), ONE_LINE] = ""
    days: int | None = Field(
        None, ge=1, le=3650, description="Days until it expires; default and at most LUOSHI_TOKEN_DAYS."
    )


@router.get("/tokens", response={200: list[TokenOut], **errors()}, summary="My API tokens")
def list_tokens(request):
    return tokens.tokens_of(caller(request))


@router.post("/tokens", response={201: NewTokenOut, **errors(403)}, summary="Create an API token")
def create_token(request, payload: TokenIn):
    token, raw = tokens.issue_row(caller(request), actor=caller(request), name=payload.name, days=payload.days)
    token.token = raw  # type: ignore[attr-defined]  # on this answer only, never stored
    return 201, token


@router.delete("/tokens/{token_id}", response={204: None, **errors(403, 404)}, summary="Revoke an API token")
def revoke_token(request, token_id: Id):
    """One's own tokens only: another person's token is not found (404)."""
    token = tokens.tokens_of(caller(request)).filter(pk=token_id).select_related("person").first()
    if token is None:
        raise NotFound("No such token.")
    tokens.revoke(token, actor=caller(request), reason="owner")
    return HttpResponse(status=204)
