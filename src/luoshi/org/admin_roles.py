"""Django's admin by Luoshi role (三员分立): each ModelAdmin names the roles that may view, add, change and
delete its rows. Django's permission tables and its superuser flag grant nothing here.

Use it first among the bases: `class ChannelAdmin(RoleAdmin, AuditedAdmin): change_roles = (Role.ADMIN,)`."""

from django.contrib import admin
from django.http import HttpRequest

from luoshi.org.models import Role


def holds(request: HttpRequest, roles: tuple[str, ...]) -> bool:
    user = request.user
    return bool(roles) and user.is_active and user.is_staff and any(user.has_role(r) for r in roles)


class RoleAdmin(admin.ModelAdmin):
    view_roles: tuple[str, ...] = ()  # besides change_roles, who may only look
    change_roles: tuple[str, ...] = (Role.ADMIN,)
    add_roles: tuple[str, ...] | None = None  # None: as change_roles
    delete_roles: tuple[str, ...] = ()  # nobody, unless named

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return holds(request, (*self.view_roles, *self.change_roles))

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return holds(request, self.change_roles)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return holds(request, self.change_roles if self.add_roles is None else self.add_roles)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return holds(request, self.delete_roles)
