"""Being written (scaffold so urls import)."""

from django.http import HttpResponse


def board(request, **kwargs):
    return HttpResponse(status=501)


def manual_urge(request, **kwargs):
    return HttpResponse(status=501)


def talks(request, **kwargs):
    return HttpResponse(status=501)


def handle_talk(request, **kwargs):
    return HttpResponse(status=501)


def leader_orders(request, **kwargs):
    return HttpResponse(status=501)


def unit_escalations(request, **kwargs):
    return HttpResponse(status=501)

