from datetime import datetime

from django_tasks import task


@task()
def take_in_intake(now_iso: str | None = None) -> int:
    """The public form's queued submissions become problems (intake_queue), batch after batch until none wait."""
    from django.utils import timezone

    from luoshi.public.intake_queue import take_in

    now = datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    taken = 0
    while n := take_in(now):
        taken += n
    return taken
