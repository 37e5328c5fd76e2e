from django.db import migrations

SHIPPED = ["清单落实不到位", "作风纪律", "项目推进", "服务群众", "其他"]


def ship(apps, schema_editor):
    FindingCategory = apps.get_model("oversight", "FindingCategory")
    for position, name in enumerate(SHIPPED):
        FindingCategory.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
