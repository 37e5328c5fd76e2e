from django.db.backends.postgresql import base

from luoshi.events.backends import ChainingCommit


class DatabaseWrapper(ChainingCommit, base.DatabaseWrapper):
    pass
