from django.apps import AppConfig


class FrontlineConfig(AppConfig):
    name = "luoshi.frontline"
    label = "frontline"

    def ready(self) -> None:
        # The reminder to a leader short of the rule, for the notification settings (notify.kinds).
        from luoshi.frontline import reminders

        reminders.register_kinds()
