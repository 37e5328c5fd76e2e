from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "luoshi.events"
    label = "events"
