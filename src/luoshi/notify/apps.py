from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "luoshi.notify"
    label = "notify"
