from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For facts that only services write: the admin may look, never touch."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The events themselves are not in the admin: the trail is the auditor's to read (/audit/), and the admin
# site is the system administrator's, who may not read it (三员分立); the auditor has no staff account.
