from django.apps import AppConfig


class FrontlineConfig(AppConfig):
    name = "luoshi.frontline"
    label = "frontline"
