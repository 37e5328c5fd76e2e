from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "luoshi.ledger"
    label = "ledger"

    def ready(self) -> None:
        from luoshi.ledger import owner

        owner.register()
