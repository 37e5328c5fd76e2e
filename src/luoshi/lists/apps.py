from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _figures_after_migrate(**kwargs: Any) -> None:
    """An upgrade from a release without summary figures builds them once, from the facts."""
    from luoshi.duties import tallies as duty_tallies
    from luoshi.lists import tallies

    tallies.rebuild_if_missing()
    duty_tallies.rebuild_if_missing()


class ListsConfig(AppConfig):
    name = "luoshi.lists"
    label = "lists"

    def ready(self) -> None:
        from luoshi.lists import change_notices, owner

        owner.register()
        change_notices.register_kinds()
        post_migrate.connect(_figures_after_migrate, sender=self)
