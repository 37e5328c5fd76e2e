"""Issue 9: every API token gets an expiry (created + 180 days, what LUOSHI_TOKEN_DAYS defaults to), and
Django's superuser flag stops meaning "administrator of Luoshi": a superuser becomes a person with the
stored role admin (unless he holds another privileged role) and staff (the
auditor not), without the flag."""

from datetime import timedelta

from django.db import migrations

PRIVILEGED = {"admin", "security", "auditor"}


def give_tokens_an_expiry(apps, schema_editor):
    ApiToken = apps.get_model("org", "ApiToken")
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + timedelta(days=180))


def superusers_become_administrators(apps, schema_editor):
    Person = apps.get_model("org", "Person")
    for person in Person.objects.filter(is_superuser=True):
        roles = list(person.roles or [])
        if not PRIVILEGED & set(roles):
            roles.append("admin")
        staff = bool({"admin", "security"} & set(roles))  # the auditor's pages are not Django's admin
        Person.objects.filter(pk=person.pk).update(roles=roles, is_superuser=False, is_staff=staff)


class Migration(migrations.Migration):
    dependencies = [("org", "0003_identity")]

    operations = [
        migrations.RunPython(give_tokens_an_expiry, migrations.RunPython.noop),
        migrations.RunPython(superusers_become_administrators, migrations.RunPython.noop),
    ]
