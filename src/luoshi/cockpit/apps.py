from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "luoshi.cockpit"
    label = "cockpit"
