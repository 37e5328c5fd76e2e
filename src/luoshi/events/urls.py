from django.urls import path

from luoshi.events import views

app_name = "audit"
urlpatterns = [
    path("", views.trail_page, name="trail"),
    path("events/<int:event_id>/", views.event_page, name="event"),
    path("verify/", views.verify_page, name="verify"),
    path("export.<str:fmt>", views.export, name="export"),  # fmt: csv | xlsx
]
