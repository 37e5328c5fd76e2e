from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "luoshi.public"
    label = "public"

    def ready(self) -> None:
        from luoshi.public import owner

        owner.register()
