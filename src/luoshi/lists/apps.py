from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "luoshi.lists"
    label = "lists"

    def ready(self) -> None:
        from luoshi.lists import change_notices, owner

        owner.register()
        change_notices.register_kinds()
