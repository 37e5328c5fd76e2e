"""GeoReport v2's resources, each as .xml or .json (mounted at /open311/v2/ without login)."""

from django.urls import path, re_path

from luoshi.public.open311 import views

app_name = "open311"
FMT = r"(?P<fmt>xml|json)"

urlpatterns = [
    # The endpoint's root answers the discovery (the specification suggests it: nothing else is served there).
    path("", views.discovery, {"fmt": "xml"}, name="root"),
    re_path(rf"^discovery\.{FMT}$", views.discovery, name="discovery"),
    re_path(rf"^services\.{FMT}$", views.services, name="services"),
    re_path(rf"^services/(?P<code>[^/.]+)\.{FMT}$", views.service_definition, name="service"),
    re_path(rf"^requests\.{FMT}$", views.requests, name="requests"),
    re_path(rf"^requests/(?P<pk>[^/.]+)\.{FMT}$", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[^/.]+)\.{FMT}$", views.token, name="token"),
    # Anything else under the endpoint: Open311's 404, not the site's page.
    re_path(r"^(?P<rest>.*)$", views.unknown, name="unknown"),
]
