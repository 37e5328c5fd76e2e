"""Who is calling the JSON API: the one place that reads the authentication's result."""

from django.http import HttpRequest

from luoshi.org.models import Person


def caller(request: HttpRequest) -> Person:
    """The person the API's authentication found (token or session); every operation has one."""
    person = getattr(request, "auth", None)
    # The API refuses unauthenticated calls before an operation runs, so this is a programming error.
    assert isinstance(person, Person), "the API's authentication sets request.auth to a Person"
    return person
