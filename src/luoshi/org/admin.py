"""Units and people in Django's admin, by role (三员分立): the system administrator manages units and people
(create, edit, disable — never delete: events point at people), the security administrator their roles, and
both see and revoke API tokens. Django's superuser flag and permission tables grant nothing (RoleAdmin)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from luoshi.errors import InvalidInput, ServiceError
from luoshi.events.services import record
from luoshi.org import services, tokens
from luoshi.org.admin_roles import RoleAdmin, holds
from luoshi.org.aliases import ALIAS_MAX, ALIASES_MAX, clean_aliases, do_set_aliases, split_aliases, taken_names
from luoshi.org.models import ApiToken, Person, Role, Unit
from luoshi.org.passwords import do_reset_password
from luoshi.org.sessions import do_logout_everywhere
from luoshi.org.two_factor import do_reset_two_factor
from luoshi.pages import Request


class UnitForm(forms.ModelForm):
    """The short names in one box, one per line or separated by 、 or ，; checked as the API checks them
    (luoshi.org.aliases), the refusal shown on the box."""

    aliases = forms.CharField(
        label=_("short names"),
        required=False,
        max_length=ALIASES_MAX * (ALIAS_MAX + 2),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, or separated by 、 or ，: e.g. 工信委、市工业和信息化委员会."),
    )

    class Meta:
        model = Unit
        fields = ["name", "kind", "parent", "aliases"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["aliases"] = "\n".join(self.instance.aliases or [])

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        owner = taken_names(excluding=self.instance.pk).get(name)
        if owner is not None and owner != name:
            raise forms.ValidationError(
                gettext("This name is a short name of {unit}.").format(unit=owner), code="alias_taken"
            )
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if isinstance(data.get("aliases"), str) and data.get("name"):
            try:
                data["aliases"] = clean_aliases(
                    split_aliases(data["aliases"]), name=data["name"], unit_id=self.instance.pk
                )
            except InvalidInput as e:
                self.add_error("aliases", e.message)
        return data


@admin.register(Unit)
class UnitAdmin(RoleAdmin):
    change_roles = (Role.ADMIN,)
    form = UnitForm
    list_display = ["name", "short_names", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["parent"]

    @admin.display(description=_("short names"))
    def short_names(self, obj: Unit) -> str:
        return "、".join(obj.aliases or [])

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Unit], search_term: str) -> Any:
        """A unit is found by a short name too (aliases is a JSON list, matched in Python: units are few)."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if term := search_term.strip():
            ids = [pk for pk, aliases in Unit.objects.values_list("pk", "aliases") if any(term in a for a in aliases)]
            if ids:
                found = found | queryset.filter(pk__in=ids)
        return found, duplicates

    def save_model(self, request, obj, form, change):
        # The short names go through their service (checked again, the event unit.aliases_changed).
        aliases = form.cleaned_data.get("aliases") or []
        obj.aliases = list(Unit.objects.get(pk=obj.pk).aliases or []) if change else []
        super().save_model(request, obj, form, change)
        kind = "unit.changed" if change else "unit.created"
        record(request.user, kind, "unit", obj.pk, unit_id=obj.pk, after={"name": obj.name, "kind": obj.kind})
        do_set_aliases(request.user, obj, aliases)


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


def _checked_roles(roles: list[str]) -> list[str]:
    """At most one of the three privileged roles: the form shows the refusal on the roles field."""
    try:
        services.check_roles(roles)
    except InvalidInput as e:
        raise forms.ValidationError(e.message, code="separated_duties") from e
    return roles


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

    def clean_roles(self) -> list[str]:
        roles = _checked_roles(self.cleaned_data["roles"])
        if {Role.UNIT_HEAD, Role.LIAISON} & set(roles) and self.instance.unit_id is None:
            raise forms.ValidationError(_("A unit head or liaison belongs to a unit."), code="unit")
        return roles


class PersonCreationForm(AdminUserCreationForm):
    """Django's own creation form names auth.User, which Person replaces: this one checks Person's
    usernames (case-insensitively, as UserCreationForm does for its model)."""

    roles = RolesField(choices=Role.choices, required=False, label=_("roles"))

    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]
        model = Person
        fields = ["username", "name", "unit", "roles"]

    def clean_roles(self) -> list[str]:
        return _checked_roles(self.cleaned_data["roles"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if {Role.UNIT_HEAD, Role.LIAISON} & set(data.get("roles") or []) and not data.get("unit"):
            self.add_error("unit", _("A unit head or liaison belongs to a unit."))
        return data


@admin.register(Person)
class PersonAdmin(RoleAdmin, UserAdmin):
    # The system administrator edits people; the security administrator only their roles (get_readonly_fields).
    change_roles = (Role.ADMIN, Role.SECURITY)
    add_roles = (Role.ADMIN,)
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
        (None, {"fields": ["username"]}),
        (_("Luoshi"), {"fields": ["name", "title", "unit", "roles", "supervised_units"]}),
        (_("Access"), {"fields": ["is_active", "last_login"]}),
    ]
    actions = ["disable_people", "enable_people", "reset_passwords", "logout_everywhere", "reset_two_factors"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        fixed = ["is_active", "last_login"]  # disabling is an action (sessions and tokens end with it)
        if holds(request, (Role.SECURITY,)) and obj.pk != request.user.pk:
            return ["username", "name", "title", "unit", "supervised_units", *fixed]
        if holds(request, (Role.SECURITY,)):
            return ["username", "name", "title", "unit", "roles", "supervised_units", *fixed]
        return ["roles", *fixed]  # roles are the security administrator's

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # A password is reset with the action (audited, to be changed at the next sign-in), never typed here.
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        if change and holds(request, (Role.SECURITY,)):
            services.do_set_roles(request.user, obj, list(form.cleaned_data.get("roles", obj.roles)))
            return
        obj.is_superuser = False
        obj.is_staff = services.is_staff_for(obj.roles)
        super().save_model(request, obj, form, change)
        kind = "person.changed" if change else "person.created"
        record(request.user, kind, "person", obj.pk, unit_id=obj.unit_id, after={"roles": obj.roles})

    def has_manage_org_permission(self, request: HttpRequest) -> bool:
        return holds(request, (Role.ADMIN,))

    def has_manage_security_permission(self, request: HttpRequest) -> bool:
        return holds(request, (Role.SECURITY,))

    def _each(self, request: HttpRequest, queryset: QuerySet[Person], act: Any, done: str) -> None:
        count = 0
        for person in queryset:
            try:
                act(request.user, person)
                count += 1
            except ServiceError as e:
                self.message_user(request, f"{person.username}: {e.message}", messages.ERROR)
        if count:
            self.message_user(request, done.format(count=count), messages.SUCCESS)

    @admin.action(description=_("Disable (no sign-in, sessions ended, tokens revoked)"), permissions=["manage_org"])
    def disable_people(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        self._each(request, queryset, services.do_disable_person, gettext("{count} disabled."))

    @admin.action(description=_("Enable"), permissions=["manage_org"])
    def enable_people(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        self._each(request, queryset, services.do_enable_person, gettext("{count} enabled."))

    @admin.action(description=_("Reset the password (to be changed at the next sign-in)"), permissions=["manage_org"])
    def reset_passwords(self, request: Request, queryset: QuerySet[Person]) -> None:
        for person in queryset:
            try:
                password = do_reset_password(request.user, person)
            except ServiceError as e:
                self.message_user(request, f"{person.username}: {e.message}", messages.ERROR)
                continue
            # Shown once, to be handed over in person; the person must change it at the next sign-in.
            self.message_user(
                request,
                gettext("{username}: temporary password {password}").format(
                    username=person.username, password=password
                ),
                messages.WARNING,
            )

    @admin.action(description=_("Log out everywhere"), permissions=["manage_org"])
    def logout_everywhere(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        self._each(request, queryset, do_logout_everywhere, gettext("{count} logged out everywhere."))

    @admin.action(description=_("Reset two factors (enrol again at the next sign-in)"), permissions=["manage_security"])
    def reset_two_factors(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        self._each(request, queryset, do_reset_two_factor, gettext("{count}: two factors reset."))


@admin.register(ApiToken)
class ApiTokenAdmin(RoleAdmin):
    """Tokens are listed and revoked, never added or edited here (only their hash is stored)."""

    view_roles = (Role.ADMIN, Role.SECURITY)
    change_roles = ()
    list_display = ["person", "prefix", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["person"]
    search_fields = ["person__username", "person__name", "prefix", "name"]
    fields = ("person", "prefix", "name", "created_at", "expires_at", "last_used_at", "revoked_at", "revoke_reason")
    readonly_fields = fields
    actions = ["revoke_tokens"]

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return holds(request, self.view_roles)

    @admin.action(description=_("Revoke"), permissions=["revoke"])
    def revoke_tokens(self, request: Request, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.select_related("person"):
            if token.revoked_at is None:
                tokens.revoke(token, actor=request.user, reason="admin")
                count += 1
        self.message_user(request, gettext("{count} revoked.").format(count=count), messages.SUCCESS)


# Django's and the libraries' own admins answer to Django's permission tables, which decide nothing here
# (三员分立): groups and permissions are roles; an authenticator's key or recovery codes must never be
# readable or settable by the system administrator (the security administrator resets two factors
# through the audited service); the task queue's rows are the worker's.
for model in (Group, TOTPDevice, StaticDevice, DBTaskResult):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
