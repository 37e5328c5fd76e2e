from django.db import migrations

# name, Open311 service code, sign for within (hours), urgent (hours), resolve within (working days)
SHIPPED = [
    ("食品安全", "food_safety", 24, 2, 10),
    ("市容环境", "city_appearance", 24, 2, 15),
    ("交通出行", "transport", 24, 2, 15),
    ("住房保障", "housing", 24, 2, 15),
    ("社会保障", "social_security", 24, 2, 15),
    ("教育", "education", 24, 2, 15),
    ("医疗卫生", "health", 24, 2, 10),
    ("生态环境", "environment", 24, 2, 15),
    ("供水供电", "utilities", 24, 2, 5),
    ("其他", "other", 24, 2, 15),
]


def ship(apps, schema_editor):
    Category = apps.get_model("public", "Category")
    for position, (name, code, hours, urgent, days) in enumerate(SHIPPED):
        Category.objects.get_or_create(
            name=name,
            defaults={
                "code": code,
                "respond_hours": hours,
                "urgent_respond_hours": urgent,
                "resolve_workdays": days,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
