"""Being written (scaffold so urls import)."""

from django.http import HttpResponse


def download(request, **kwargs):
    return HttpResponse(status=501)

