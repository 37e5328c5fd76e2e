from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "luoshi.org"
    label = "org"

    def ready(self) -> None:
        from luoshi.org import signin  # noqa: F401  (the sign-in events' receivers)
