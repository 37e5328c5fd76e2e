"""Being written (scaffold so urls import)."""

from django.http import HttpResponse


def policy(request, **kwargs):
    return HttpResponse(status=501)


def calendar(request, **kwargs):
    return HttpResponse(status=501)

