"""Two factors in the API: one's own status, and the security administrator's reset of a person's.

The API itself asks for no code (it authenticates with tokens); enrolment and verification are web pages.
"""

from datetime import datetime

from ninja import Field, Router, Schema

from luoshi.errors import NotFound
from luoshi.org import two_factor
from luoshi.org.caller import caller
from luoshi.org.models import Person
from luoshi.schemas import Id, errors

router = Router(tags=["two factors"])


class TwoFactorOut(Schema):
    person: int
    required: bool = Field(description="A role of the person is in LUOSHI_TWO_FACTOR_ROLES.")
    enrolled: bool = Field(description="An authenticator app is confirmed.")
    recovery_codes_left: int
    last_used_at: datetime | None = Field(description="When the app's code was last accepted.")


class TwoFactorResetOut(TwoFactorOut):
    reset: bool = Field(description="Whether there was anything to remove (false: nothing was on).")


def _out(person: Person) -> dict:
    status = two_factor.status_of(person)
    return {
        "person": person.pk,
        "required": status.required,
        "enrolled": status.enrolled,
        "recovery_codes_left": status.codes_left,
        "last_used_at": status.last_used_at,
    }


@router.get("/me/two-factor", response={200: TwoFactorOut, **errors()}, summary="My two factors")
def my_two_factor(request):
    return _out(caller(request))


@router.post(
    "/people/{person_id}/two-factor/reset",
    response={200: TwoFactorResetOut, **errors(403, 404)},
    summary="Reset a person's two factors (security administrator)",
)
def reset_two_factor(request, person_id: Id):
    """The person enrols again at the next page he opens. Only the security administrator; resetting
    twice is resetting once (`reset` false the second time, one event)."""
    two_factor.check_may_reset(caller(request))  # before the lookup: others learn nothing of who exists
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound("No such person.")
    done = two_factor.do_reset_two_factor(caller(request), person)
    return {**_out(person), "reset": done}
