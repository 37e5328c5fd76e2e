from django.db.backends.sqlite3 import base

from luoshi.events.backends import ChainingCommit


class DatabaseWrapper(ChainingCommit, base.DatabaseWrapper):
    pass
