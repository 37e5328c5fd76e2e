from django.dispatch import Signal

# Sent inside the service's transaction after an obligation's dates or status changed
# (kwargs: obligation, reason, now). The escalation ladder ends episodes that no longer apply.
obligation_changed = Signal()
