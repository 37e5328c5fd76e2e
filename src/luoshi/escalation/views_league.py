"""Being written (scaffold so urls import)."""

from django.http import HttpResponse


def league(request, **kwargs):
    return HttpResponse(status=501)


def export(request, **kwargs):
    return HttpResponse(status=501)

