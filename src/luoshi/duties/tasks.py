from datetime import datetime

from django_tasks import task

from luoshi.duties.sweep import sweep


@task()
def run_sweep(now_iso: str | None = None) -> dict[str, int]:
    return sweep(datetime.fromisoformat(now_iso) if now_iso else None)


@task()
def run_late_signs(now_iso: str | None = None) -> int:
    """Hour-counted sign-for limits (duties.respond) are urged at any hour: the hotline works round the clock."""
    from django.utils import timezone

    from luoshi.duties.respond import urge_late_signs
    from luoshi.duties.sweep import RulesByKind

    now = datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    return urge_late_signs(now, RulesByKind())
