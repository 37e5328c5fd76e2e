"""`luoshi backup FILE`: the whole database and the uploaded files in one versioned zip archive.

The archive holds manifest.json (the format and its version, the Luoshi version, when, the database vendor,
the applied migrations per app, each member's rows, bytes and SHA-256) and, per table of every installed
app, data/<app>.<model>.jsonl: one row a line in Django's serialisation (the "python" serializer's
{"model", "pk", "fields"}), read in chunks by primary key so that memory does not grow with the data; then
media/… (MEDIA_ROOT's files). Every table is read in one consistent snapshot: a REPEATABLE READ, READ ONLY
transaction on PostgreSQL, one read transaction on SQLite (WAL keeps its snapshot while writers go on).
Sessions and the task queue's rows are left out: sessions end with a restore, and queued jobs are made
again by the worker's schedule (a pending delivery's notification stays in the restored inbox).
`luoshi.restore` reads it back.
"""

import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model

FORMAT = "luoshi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 2000  # rows read (and written) at a time
# Left out of the archive (see the module's docstring).
LEFT_OUT = {"sessions.session", "django_tasks_db.dbtaskresult"}


class BackupError(RuntimeError):
    """The backup cannot be taken (the message says why and what to do)."""


class Encoder(DjangoJSONEncoder):
    """Django's encoder keeps milliseconds only; the audit chain hashes microseconds, so they are kept."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def luoshi_version() -> str:
    try:
        return version("luoshi")
    except PackageNotFoundError:  # a checkout that is not installed
        return "unknown"


def archived_models() -> list[type[Model]]:
    """Every table of every installed app (many-to-many tables included), once each, in a stable order."""
    seen, models = set(), []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in LEFT_OUT or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        models.append(model)
    return sorted(models, key=lambda m: m._meta.label_lower)


def member_name(model: type[Model]) -> str:
    return f"data/{model._meta.label_lower}.jsonl"


def _info(name: str) -> zipfile.ZipInfo:
    """A member stamped with the time it is written (zipfile's default for a streamed member is 1980)."""
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


@contextmanager
def snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """One consistent view of the whole database for the reads inside."""
    connection = connections[using]
    if connection.in_atomic_block:  # called inside a transaction (a test): that transaction is the view
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor != "sqlite":
        raise BackupError(f"luoshi backup reads SQLite and PostgreSQL, not {connection.vendor}")
    # Django opens SQLite transactions IMMEDIATE (a write lock, which would stop the writers for the whole
    # backup); a DEFERRED one takes its snapshot at the first read and blocks nobody.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The migrations applied to the database, per app; refused when the code and the database differ."""
    executor = MigrationExecutor(connections[using])
    loader = executor.loader
    applied = loader.applied_migrations or {}
    unknown = sorted(f"{a}.{n}" for a, n in applied if (a, n) not in loader.graph.nodes and a in loader.migrated_apps)
    if unknown:
        raise BackupError(f"The database has migrations this Luoshi does not know ({', '.join(unknown)}).")
    if executor.migration_plan(loader.graph.leaf_nodes()):
        raise BackupError("The database has unapplied migrations: run `luoshi manage migrate` first.")
    per_app: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        per_app.setdefault(app, []).append(name)
    return per_app


@dataclass
class Written:
    name: str
    rows: int = 0
    size: int = 0
    sha256: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def entry(self) -> dict[str, Any]:
        return {"member": self.name, "rows": self.rows, "bytes": self.size, "sha256": self.sha256, **self.extra}


class _Counting:
    """Wraps a member being written: counts its bytes and hashes them."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.size, self.hash = raw, 0, hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.raw.write(data)
        self.size += len(data)
        self.hash.update(data)


def _rows(model: type[Model], fields: list[str], chunk: int, using: str) -> Iterator[list[dict[str, Any]]]:
    """The table's rows as Django serialises them, a chunk at a time, by primary key."""
    rows = model._base_manager.using(using).order_by("pk")
    last = None
    while True:
        batch = list((rows if last is None else rows.filter(pk__gt=last))[:chunk])
        if not batch:
            return
        yield serializers.serialize("python", batch, fields=fields)
        if len(batch) < chunk:
            return
        last = batch[-1].pk


def _write_table(archive: zipfile.ZipFile, model: type[Model], chunk: int, using: str) -> Written:
    written = Written(member_name(model), extra={"model": model._meta.label_lower, "table": model._meta.db_table})
    # local concrete fields: a table's own columns (a multi-table child's parent has its own member)
    fields = [f.name for f in model._meta.local_concrete_fields if not f.primary_key]
    with archive.open(_info(written.name), "w", force_zip64=True) as raw:
        out = _Counting(raw)
        for batch in _rows(model, fields, chunk, using):
            out.write(b"".join(json.dumps(row, cls=Encoder, ensure_ascii=False).encode() + b"\n" for row in batch))
            written.rows += len(batch)
    written.size, written.sha256 = out.size, out.hash.hexdigest()
    return written


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(name inside MEDIA_ROOT, path) of every regular file under it, symbolic links left out."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def _write_media(archive: zipfile.ZipFile, name: str, path: Path) -> Written:
    written = Written(f"media/{name}", extra={"path": name})
    with path.open("rb") as src, archive.open(_info(written.name), "w", force_zip64=True) as raw:
        out = _Counting(raw)
        while block := src.read(1 << 20):
            out.write(block)
    written.size, written.sha256 = out.size, out.hash.hexdigest()
    return written


def write(path: Path, *, chunk: int = CHUNK, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write the archive to `path` (through a temporary file beside it, so a failed backup leaves no
    half archive there, readable by its owner only: it holds password hashes and two-factor secrets).
    Returns the manifest."""
    connection = connections[using]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as file, zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            with snapshot(using):
                manifest: dict[str, Any] = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "luoshi_version": luoshi_version(),
                    "created_at": datetime.now(UTC).isoformat(),
                    "database": {"vendor": connection.vendor},
                    "migrations": applied_migrations(using),
                    "left_out": sorted(LEFT_OUT),
                }
                manifest["tables"] = [_write_table(zf, m, chunk, using).entry() for m in archived_models()]
            root = Path(settings.MEDIA_ROOT)
            manifest["media"] = [_write_media(zf, name, p).entry() for name, p in media_files(root)]
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return manifest


def cmd_backup(args: Any) -> None:
    import sys

    try:
        manifest = write(Path(args.file))
    except (BackupError, OSError) as e:
        sys.exit(f"luoshi backup: {e}")
    rows = sum(t["rows"] for t in manifest["tables"])
    print(
        f"backup {args.file}: {rows} rows in {len(manifest['tables'])} tables, {len(manifest['media'])} files "
        f"({Path(args.file).stat().st_size / 1e6:.1f} MB; left out: {', '.join(manifest['left_out'])})"
    )
