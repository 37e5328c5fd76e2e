"""The site's URLs plus views whose service refusal no view catches (as a new view might forget to)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from luoshi.errors import NotAllowed, NotFound


def refuses(request: HttpRequest) -> HttpResponse:
    raise NotAllowed("Only the supervision office may do this.")


def finds_nothing(request: HttpRequest) -> HttpResponse:
    raise NotFound("No such notice.")


urlpatterns = [
    path("test-refuses/", refuses),
    path("test-finds-nothing/", finds_nothing),
    path("api/v1/test-refuses", refuses),
    path("", include("luoshi.urls")),
]
