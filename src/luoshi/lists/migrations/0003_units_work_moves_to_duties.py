# The units' work (obligations, reports, extensions) and the policy now live in the duty engine (duties),
# which copied the rows in duties 0002; lists gain suspension and cancellation.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lists", "0002_initial"),
        ("duties", "0002_carry_over_lists_and_ladder"),  # the rows are copied before the tables go
    ]

    operations = [
        migrations.RemoveField(model_name="obligation", name="last_report"),
        migrations.DeleteModel(name="Extension"),
        migrations.DeleteModel(name="Report"),
        migrations.DeleteModel(name="Obligation"),
        migrations.DeleteModel(name="Policy"),
        migrations.AddField(
            model_name="responsibilitylist",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cancelled"),
        ),
        migrations.AddField(
            model_name="responsibilitylist",
            name="suspended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="suspended"),
        ),
        migrations.AlterField(
            model_name="responsibilitylist",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("in_progress", "In progress"),
                    ("suspended", "Suspended"),
                    ("closed", "Closed"),
                    ("cancelled", "Cancelled"),
                ],
                db_index=True,
                default="draft",
                max_length=20,
                verbose_name="status",
            ),
        ),
    ]
