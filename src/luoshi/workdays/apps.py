from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "luoshi.workdays"
    label = "workdays"
