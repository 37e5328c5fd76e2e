from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "luoshi.duties"
    label = "duties"

    def ready(self) -> None:
        # The kinds of notice the engine sends, for the notification settings (notify.kinds).
        from luoshi.duties import handoffs, signing

        handoffs.register_kinds()
        signing.register_kinds()
