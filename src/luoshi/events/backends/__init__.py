"""Database backends that chain a transaction's new events just before it commits.

Django has no hook before a commit, and the chain must be extended inside the transaction that records
the events, with the head locked as briefly as possible: taking that lock at the last moment, after all
the transaction's other locks, means two writers never wait on each other in opposite orders (no
deadlock), and writers queue on the head only for the length of a commit.
"""

from typing import Any


class ChainingCommit:
    """Mixed into a DatabaseWrapper: commit() first seals the events this transaction inserted, which
    carry its token (events.models.pending_token)."""

    luoshi_pending: int | None = None

    def commit(self) -> None:
        if self.luoshi_pending is not None:
            from luoshi.events.chain import seal

            try:
                seal(self, self.luoshi_pending)
            except Exception:
                # Atomic only rolls back on a DatabaseError: never leave the transaction open.
                self.rollback()
                raise
            self.luoshi_pending = None
        super().commit()  # type: ignore[misc]

    def rollback(self) -> None:
        self.luoshi_pending = None
        super().rollback()  # type: ignore[misc]

    def close(self) -> Any:
        self.luoshi_pending = None
        return super().close()  # type: ignore[misc]
