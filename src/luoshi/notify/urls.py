from django.urls import path

from luoshi.notify import views, views_settings

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read", views.mark_read, name="read"),
    path("settings/", views_settings.notification_settings, name="settings"),
]
