from django.db import migrations, models


def load_official_calendar(apps, schema_editor):
    from luoshi.workdays.china import HOLIDAYS, official_days

    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, is_workday=is_work, note=note)
        for year in sorted(HOLIDAYS)
        for day, is_work, note in official_days(year)
    )


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="CalendarDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(unique=True, verbose_name="date")),
                ("is_workday", models.BooleanField(verbose_name="working day")),
                ("note", models.CharField(blank=True, max_length=50, verbose_name="note")),
            ],
            options={"verbose_name": "calendar day", "verbose_name_plural": "calendar days", "ordering": ["date"]},
        ),
        migrations.RunPython(load_official_calendar, migrations.RunPython.noop),
    ]
