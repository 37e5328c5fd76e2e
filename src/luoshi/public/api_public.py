"""The public's API, without login (mounted with auth=None, so ninja checks no CSRF token): a proof-of-work
challenge, a problem sent with its work, a tracking code's status. Nothing here answers with personal data."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from ninja import Field, Router, Schema

from luoshi.public import citizen, intake, intake_queue, pow, throttle
from luoshi.public.intake import Submission
from luoshi.schemas import MULTILINE, ONE_LINE, BodyIn, errors

router = Router(tags=["public problems"])


class ChallengeOut(Schema):
    challenge: str
    difficulty: int = Field(description="Leading zero bits SHA-256(challenge + nonce) must have (UTF-8).")


class PublicProblemIn(BodyIn):
    category: Annotated[str, Field(max_length=40), ONE_LINE]
    content: Annotated[str, Field(max_length=intake.CONTENT_MAX), MULTILINE]
    place: Annotated[str, Field(max_length=intake.PLACE_MAX), ONE_LINE] = ""
    reporter_name: Annotated[str, Field(max_length=intake.NAME_MAX), ONE_LINE] = ""
    reporter_contact: Annotated[str, Field(max_length=intake.CONTACT_MAX), ONE_LINE] = ""
    challenge: Annotated[str, Field(max_length=pow.CHALLENGE_MAX)]
    nonce: Annotated[str, Field(max_length=64)]


class TrackingOut(Schema):
    tracking_code: str


class PublicReplyOut(Schema):
    text: str
    at: datetime
    unit: str


class UpdateOut(Schema):
    step: str = Field(
        description="received, accepted, rejected, duplicate, dispatched, signed, replied, visited, reopened or closed"
    )
    at: datetime
    unit: str | None = None


class StatusOut(Schema):
    status: str
    category: str
    created: datetime
    reply: PublicReplyOut | None
    updates: list[UpdateOut]


@router.get("/public/challenge", response={200: ChallengeOut, **errors()}, url_name="public_challenge")
def challenge(request: HttpRequest, response: HttpResponse):
    """A fresh challenge: find a nonce, then send both with the problem (within the challenge's lifetime)."""
    patch_cache_control(response, no_store=True)  # each form gets its own
    return {"challenge": pow.new_challenge(timezone.now()), "difficulty": pow.difficulty()}


@router.post(
    "/public/problems",
    # 403 is declared as on every write (tests/api/test_openapi.py); the public form has no one to refuse.
    response={201: TrackingOut, 200: TrackingOut, **errors(403, 429, 503)},
    url_name="public_submit",
)
def submit(request: HttpRequest, payload: PublicProblemIn):
    """Send a problem. 201 with its tracking code (keep it: it is the only way to follow the problem);
    200 with the same code when the same request (challenge) came before; 429 with Retry-After over the
    per-address limit; 503 with Retry-After while too many problems wait to be taken in (nothing stored,
    the challenge unspent)."""
    submission = Submission(
        channel="web",
        category=payload.category,
        content=payload.content,
        place=payload.place,
        reporter_name=payload.reporter_name,
        reporter_contact=payload.reporter_contact,
    )
    try:
        code, created = citizen.do_submit_public(
            submission, throttle.address_digest(request), payload.challenge, payload.nonce
        )
    except (throttle.TooMany, intake_queue.Full) as e:
        response = JsonResponse({"detail": e.message, "field": None}, status=e.status)
        response["Retry-After"] = str(e.retry_after)
        return response
    return (201 if created else 200), {"tracking_code": code}


@router.get("/public/problems/{code}", response={200: StatusOut, **errors(404)}, url_name="public_status")
def status(request: HttpRequest, code: str):
    """A tracking code's status, its public steps and the reply; 404 for a code that is not one."""
    s = citizen.public_status(code)
    reply = {"text": s.reply.text, "at": s.reply.at, "unit": s.reply_unit} if s.reply else None
    return {
        "status": s.status,
        "category": s.category,
        "created": s.created,
        "reply": reply,
        "updates": [{"step": u.step, "at": u.at, "unit": u.unit} for u in s.updates],
    }
