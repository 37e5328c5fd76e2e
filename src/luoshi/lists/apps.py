from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "luoshi.lists"
    label = "lists"
