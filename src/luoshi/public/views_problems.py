from django.http import HttpRequest, HttpResponse
from django.urls import path


def problem(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(str(pk))


urlpatterns = [path("<int:pk>/", problem, name="problem")]
