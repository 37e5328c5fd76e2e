from django.dispatch import receiver

from luoshi.escalation.services import end_stale_episodes
from luoshi.lists.models import Obligation
from luoshi.lists.signals import obligation_changed


@receiver(obligation_changed, sender=Obligation)
def on_obligation_changed(sender, obligation: Obligation, reason: str, now, **kwargs) -> None:
    end_stale_episodes(obligation, reason, now)
