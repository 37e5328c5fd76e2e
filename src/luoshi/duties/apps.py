from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "luoshi.duties"
    label = "duties"
