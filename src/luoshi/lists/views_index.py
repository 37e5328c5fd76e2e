"""Being written (scaffold so urls import)."""

from django.http import HttpResponse


def index(request, **kwargs):
    return HttpResponse(status=501)


def export(request, **kwargs):
    return HttpResponse(status=501)


def inbox(request, **kwargs):
    return HttpResponse(status=501)


def leader(request, **kwargs):
    return HttpResponse(status=501)


def overview(request, **kwargs):
    return HttpResponse(status=501)

