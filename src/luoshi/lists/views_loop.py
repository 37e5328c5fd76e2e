"""Being written (scaffold so urls import)."""

from django.http import HttpResponse


def create(request, **kwargs):
    return HttpResponse(status=501)


def loop(request, **kwargs):
    return HttpResponse(status=501)


def publish(request, **kwargs):
    return HttpResponse(status=501)


def report(request, **kwargs):
    return HttpResponse(status=501)


def accept(request, **kwargs):
    return HttpResponse(status=501)


def return_completion(request, **kwargs):
    return HttpResponse(status=501)


def request_extension(request, **kwargs):
    return HttpResponse(status=501)


def decide_extension(request, **kwargs):
    return HttpResponse(status=501)


def close(request, **kwargs):
    return HttpResponse(status=501)

