"""Carry the previous release's rows over into the duty engine, keeping their ids: a list's obligation
becomes its duty (same id), its reports and extensions follow, the policy becomes the lists' policy,
and the escalation app's episodes and steps point at duties. The old escalation tables are dropped
here (the app is gone); lists' own tables go in lists 0003, once copied."""

from django.core.management.color import no_style
from django.db import migrations

OBLIGATIONS = """
INSERT INTO duties_duty (id, owner_type_id, owner_id, unit_id, role, leader_id, title, code, status,
    progress, deadline, report_every_days, next_report_due, last_report_id, created_at, signed_at,
    signed_by_id, paused_at, completed_at, days_late)
SELECT o.id, %s, o.list_id, o.unit_id, o.role, l.leader_id, l.title, COALESCE(l.code, ''),
    CASE WHEN l.status = 'draft' THEN 'pending' WHEN o.status = 'in_progress' THEN 'open' ELSE o.status END,
    o.progress, o.deadline, l.report_every_days, o.next_report_due, NULL, l.published_at, l.published_at,
    NULL, NULL, o.completed_at, NULL
FROM lists_obligation o JOIN lists_responsibilitylist l ON l.id = o.list_id
"""
REPORTS = """
INSERT INTO duties_report (id, duty_id, author_id, filed_at, progress, done, difficulties, next_steps,
    request_completion, due_date, submission_key)
SELECT id, obligation_id, author_id, filed_at, progress, done, difficulties, next_steps,
    request_completion, due_date, submission_key
FROM lists_report
"""
LAST_REPORTS = """
UPDATE duties_duty SET last_report_id = (SELECT o.last_report_id FROM lists_obligation o WHERE o.id = duties_duty.id)
"""
EXTENSIONS = """
INSERT INTO duties_extension (id, duty_id, requested_by_id, requested_at, old_deadline, new_deadline, reason,
    status, decided_by_id, decided_at, note)
SELECT id, obligation_id, requested_by_id, requested_at, old_deadline, new_deadline, reason,
    status, decided_by_id, decided_at, note
FROM lists_extension
"""
POLICY = """
INSERT INTO duties_policy (id, owner_kind, light_due_soon_days, light_red_after_days, reminder_workdays,
    order_after_workdays, talk_orders, talk_window_days, talk_overdue_workdays)
SELECT id, 'list', light_due_soon_days, light_red_after_days, reminder_workdays,
    order_after_workdays, talk_orders, talk_window_days, talk_overdue_workdays
FROM lists_policy
"""
EPISODES = """
INSERT INTO duties_episode (id, duty_id, unit_id, kind, due_date, last_step, opened_at, closed_at, closed_reason)
SELECT id, obligation_id, unit_id, kind, due_date, last_step, opened_at, closed_at, closed_reason
FROM escalation_episode
"""
ESCALATIONS = """
INSERT INTO duties_escalation (id, episode_id, step, unit_id, duty_id, number, created_at, manual,
    created_by_id, due_date, days_overdue, respond_by, handled_at, handled_note)
SELECT s.id, s.episode_id, s.step, s.unit_id, e.obligation_id, s.number, s.created_at, s.manual,
    s.created_by_id, s.due_date, s.days_overdue, s.respond_by, s.handled_at, s.handled_note
FROM escalation_escalation s JOIN escalation_episode e ON e.id = s.episode_id
"""


def carry_over(apps, schema_editor):
    connection = schema_editor.connection
    tables = set(connection.introspection.table_names())
    ContentType = apps.get_model("contenttypes", "ContentType")
    list_type, _created = ContentType.objects.get_or_create(app_label="lists", model="responsibilitylist")
    with connection.cursor() as cursor:
        cursor.execute(OBLIGATIONS, [list_type.pk])
        cursor.execute(REPORTS)
        cursor.execute(LAST_REPORTS)
        cursor.execute(EXTENSIONS)
        cursor.execute(POLICY)
        if {"escalation_episode", "escalation_escalation"} <= tables:
            cursor.execute(EPISODES)
            cursor.execute(ESCALATIONS)
            cursor.execute("DROP TABLE escalation_escalation")
            cursor.execute("DROP TABLE escalation_episode")
        if "django_migrations" in tables:
            cursor.execute("DELETE FROM django_migrations WHERE app = 'escalation'")
    _freeze_lateness(apps)
    models = [
        apps.get_model("duties", name) for name in ("Duty", "Report", "Extension", "Policy", "Episode", "Escalation")
    ]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _freeze_lateness(apps):
    """Accepted duties carry their lateness from now on (the previous release froze it on the list only)."""
    from django.utils import timezone

    Duty = apps.get_model("duties", "Duty")
    batch = []
    for duty in Duty.objects.filter(status="completed").select_related("last_report").iterator(chunk_size=2000):
        last = duty.last_report
        finished = last.filed_at if last and last.request_completion else duty.completed_at
        if finished is not None:
            duty.days_late = max((timezone.localdate(finished) - duty.deadline).days, 0)
            batch.append(duty)
        if len(batch) == 2000:
            Duty.objects.bulk_update(batch, ["days_late"])
            batch = []
    Duty.objects.bulk_update(batch, ["days_late"])


class Migration(migrations.Migration):
    dependencies = [
        ("duties", "0001_initial"),
        ("lists", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
