from datetime import datetime

from django_tasks import task

from luoshi.duties.sweep import sweep


@task()
def run_sweep(now_iso: str | None = None) -> dict[str, int]:
    return sweep(datetime.fromisoformat(now_iso) if now_iso else None)
