from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "luoshi.oversight"
    label = "oversight"

    def ready(self) -> None:
        from luoshi.oversight import owner

        owner.register()
