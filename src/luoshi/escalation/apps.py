from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "luoshi.escalation"
    label = "escalation"

    def ready(self) -> None:
        from luoshi.escalation import receivers  # noqa: F401 - connects to lists.signals
