"""Units and people are managed by administrators in Django's admin (and through the API)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from luoshi.events.services import record
from luoshi.org.models import Person, Role, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["parent"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        kind = "unit.changed" if change else "unit.created"
        record(request.user, kind, "unit", obj.pk, unit_id=obj.pk, after={"name": obj.name, "kind": obj.kind})


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class PersonForm(UserChangeForm):
    """Usernames are normalised (NFKC, stripped) by UsernameField and checked by the model: the allowed
    characters (Person.username's validator) and case-insensitive uniqueness (its constraint)."""

    roles = RolesField(choices=Role.choices, required=False, label=_("roles"))

    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        model = Person
        fields = ["username", "name", "title", "unit", "roles", "supervised_units", "is_active"]

    def clean_username(self) -> str:
        # On the field, not as the constraint's form-wide error.
        username = self.cleaned_data["username"]
        if Person.objects.filter(username__iexact=username).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This username is taken."), code="unique")
        return username


class PersonCreationForm(AdminUserCreationForm):
    """Django's own creation form names auth.User, which Person replaces: this one checks Person's
    usernames (case-insensitively, as UserCreationForm does for its model)."""

    roles = RolesField(choices=Role.choices, required=False, label=_("roles"))

    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]
        model = Person
        fields = ["username", "name", "unit", "roles"]


@admin.register(Person)
class PersonAdmin(UserAdmin):
    form = PersonForm
    add_form = PersonCreationForm
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "usable_password", "password1", "password2"]}),
        (_("Luoshi"), {"fields": ["name", "unit", "roles"]}),
    ]
    list_display = ["username", "name", "unit", "roles", "is_active"]
    list_filter = ["is_active", "unit__kind"]
    list_select_related = ["unit"]
    search_fields = ["username", "name", "unit__name"]
    filter_horizontal = ["supervised_units"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Luoshi"), {"fields": ["name", "title", "unit", "roles", "supervised_units"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        kind = "person.changed" if change else "person.created"
        record(request.user, kind, "person", obj.pk, unit_id=obj.unit_id, after={"roles": obj.roles})
