from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "luoshi.cockpit"
    label = "cockpit"

    def ready(self) -> None:
        # The bulletin's notice, for the notification settings (notify.kinds).
        from luoshi.cockpit import bulletins

        bulletins.register_kinds()
