"""The rows an upgrade must carry over, read with plain SQL so that one script reads both schemas.

    python .ci/upgrade_rows.py before OUT.json   # on the previous release's database (lists_obligation …)
    python .ci/upgrade_rows.py after OUT.json    # on the migrated database (duties_duty …)
    python .ci/upgrade_rows.py compare A.json B.json

Ids, owners, units, dates, statuses and progress must match one for one; a failure prints what differs.
"""

import json
import os
import sys

BEFORE = {
    "duties": "SELECT o.id, o.list_id, o.unit_id, o.role, CASE WHEN l.status = 'draft' THEN 'pending'"
    " WHEN o.status = 'in_progress' THEN 'open' ELSE o.status END, o.progress, o.deadline, o.next_report_due,"
    " o.last_report_id FROM lists_obligation o JOIN lists_responsibilitylist l ON l.id = o.list_id",
    "reports": "SELECT id, obligation_id, author_id, filed_at, progress, due_date, submission_key FROM lists_report",
    "extensions": "SELECT id, obligation_id, status, old_deadline, new_deadline FROM lists_extension",
    "episodes": "SELECT id, obligation_id, kind, due_date, last_step, closed_at FROM escalation_episode",
    "escalations": "SELECT id, episode_id, step, unit_id, number, created_at FROM escalation_escalation",
    "policy": "SELECT light_due_soon_days, light_red_after_days, reminder_workdays, order_after_workdays,"
    " talk_orders, talk_window_days, talk_overdue_workdays FROM lists_policy",
    "events": "SELECT COUNT(*) FROM events_event",
}
AFTER = {
    "duties": "SELECT id, owner_id, unit_id, role, status, progress, deadline, next_report_due, last_report_id"
    " FROM duties_duty",
    "reports": "SELECT id, duty_id, author_id, filed_at, progress, due_date, submission_key FROM duties_report",
    "extensions": "SELECT id, duty_id, status, old_deadline, new_deadline FROM duties_extension",
    "episodes": "SELECT id, duty_id, kind, due_date, last_step, closed_at FROM duties_episode",
    "escalations": "SELECT id, episode_id, step, unit_id, number, created_at FROM duties_escalation",
    "policy": "SELECT light_due_soon_days, light_red_after_days, reminder_workdays, order_after_workdays,"
    " talk_orders, talk_window_days, talk_overdue_workdays FROM duties_policy WHERE owner_kind = 'list'",
    "events": "SELECT COUNT(*) FROM events_event",
}


def read(queries: dict[str, str]) -> dict[str, list]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()
    from django.db import connection

    rows = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql + (" ORDER BY 1" if name not in ("policy", "events") else ""))
            rows[name] = [[str(v) if v is not None else None for v in row] for row in cursor.fetchall()]
    return rows


def compare(a: dict[str, list], b: dict[str, list]) -> int:
    failed = 0
    for name in a:
        if a[name] != b[name]:
            failed += 1
            gone = [r for r in a[name] if r not in b[name]][:3]
            new = [r for r in b[name] if r not in a[name]][:3]
            print(f"{name}: {len(a[name])} rows before, {len(b[name])} after; e.g. before {gone}, after {new}")
        else:
            print(f"{name}: {len(a[name])} rows carried over")
    return failed


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "compare":
        with open(sys.argv[2]) as fa, open(sys.argv[3]) as fb:
            sys.exit(1 if compare(json.load(fa), json.load(fb)) else 0)
    with open(sys.argv[2], "w") as out:
        json.dump(read(BEFORE if mode == "before" else AFTER), out)
