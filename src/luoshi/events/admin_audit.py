"""Changes made in Django's admin (channels, units, people) become events like any other write."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from luoshi.events.services import record

# Never copied into the trail: a password hash is a secret even hashed; "changed" is recorded instead.
SECRET_FIELDS = {"password"}


def field_values(obj: Model) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(obj, field.attname)
        values[field.name] = value if isinstance(value, bool | int | float | type(None)) else field.value_to_string(obj)
    return values


def differences(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [name for name in after if before.get(name) != after[name]]
    old = {name: ("…" if name in SECRET_FIELDS else before.get(name)) for name in changed}
    new = {name: ("changed" if name in SECRET_FIELDS else after[name]) for name in changed}
    return old, new


def subject_type(obj: Model) -> str:
    return obj._meta.model_name[:20] if obj._meta.model_name else "object"


class AuditedAdmin(admin.ModelAdmin):
    """Records "admin.created", "admin.changed" (the fields' before and after) and "admin.deleted"."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            old = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk else None
            before = field_values(old) if old else {}
            super().save_model(request, obj, form, change)
            before, after = differences(before, field_values(obj))
            if old is None or after:
                record(
                    request.user,
                    "admin.changed" if old else "admin.created",
                    subject_type(obj),
                    obj.pk,
                    before=before,
                    after={**after, "model": obj._meta.label},
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._record_deleted(request, [obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            self._record_deleted(request, list(queryset))
            super().delete_queryset(request, queryset)

    def _record_deleted(self, request: HttpRequest, objs: list[Model]) -> None:
        for obj in objs:
            before = {k: v for k, v in field_values(obj).items() if k not in SECRET_FIELDS}
            record(
                request.user,
                "admin.deleted",
                subject_type(obj),
                obj.pk,
                before=before,
                after={"model": obj._meta.label},
            )
