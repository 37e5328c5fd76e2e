"""`luoshi restore FILE`: a `luoshi backup` archive back onto an empty database (the one DATABASE_URL names).

In order: the archive is checked whole before the database is touched (a zip, format and version, every
member present, within its declared size and MAX_MEMBER_BYTES, its SHA-256, the migrations known to this
code); the database must hold no data; it is migrated to the archive's migrations (the historical models
of that state read the rows, so an archive from an older release loads too), every table is loaded in one
transaction with foreign keys checked at its end, then the remaining migrations run, PostgreSQL's
sequences are moved past the restored ids and the media files are put in place. Events keep their
seq/prev/digest (inserted as they are, never re-chained: the chain seals only rows a transaction tagged).
"""

import hashlib
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps.registry import Apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ForeignKey, Model

from luoshi.backup import CHUNK, FORMAT, FORMAT_VERSION, MANIFEST, archived_models

# No member may unpack to more than this (a guard against an archive that is not what it says it is).
MAX_MEMBER_BYTES = int(os.environ.get("LUOSHI_RESTORE_MAX_MEMBER_BYTES", 64 << 30))
MAX_MANIFEST_BYTES = 64 << 20
MAX_LINE_BYTES = 256 << 20
# Rows that `migrate` itself writes into an empty database (content types, permissions, the chain's head,
# the calendar's days, the shipped finding categories): an archive replaces them; any other row means the
# database is in use.
SEEDED = {
    "contenttypes.contenttype",
    "auth.permission",
    "events.chainhead",
    "workdays.calendarday",
    "oversight.findingcategory",
    "public.category",
}
EMPTY_HINT = (
    "Restore onto an empty database: create a new one (PostgreSQL: createdb luoshi_restored, then "
    "DATABASE_URL=postgres://…/luoshi_restored; SQLite: LUOSHI_VAR_DIR or DATABASE_URL naming a new file), "
    "or drop this one and create it again."
)


class RestoreError(RuntimeError):
    """The archive cannot be restored here (the message says why and what to do)."""


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise RestoreError("not a Luoshi backup: the archive has no manifest.json") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise RestoreError("not a Luoshi backup: its manifest.json is too large")
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (ValueError, zipfile.BadZipFile) as e:
        raise RestoreError(f"not a Luoshi backup: its manifest.json is unreadable ({e})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RestoreError("not a Luoshi backup: its manifest names another format")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise RestoreError(
            f"archive format version {manifest.get('format_version')!r}: this Luoshi reads version {FORMAT_VERSION} "
            "(restore it with the release that wrote it)"
        )
    return manifest


def _member(archive: zipfile.ZipFile, entry: dict[str, Any]) -> Iterator[bytes]:
    """A member's bytes in blocks, refused beyond its declared size or MAX_MEMBER_BYTES."""
    name, declared = entry["member"], entry["bytes"]
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise RestoreError(f"the archive lacks {name}, which its manifest lists") from None
    if declared > MAX_MEMBER_BYTES or info.file_size > MAX_MEMBER_BYTES:
        raise RestoreError(f"{name} is too large for a member ({info.file_size} bytes; at most {MAX_MEMBER_BYTES})")
    if info.file_size != declared:
        raise RestoreError(f"{name} holds {info.file_size} bytes, its manifest says {declared}")
    read = 0
    with archive.open(info) as src:
        while block := src.read(1 << 20):
            read += len(block)
            if read > declared:
                raise RestoreError(f"{name} unpacks to more than the {declared} bytes declared")
            yield block


def check_archive(archive: zipfile.ZipFile) -> dict[str, Any]:
    """The manifest, once every member it lists has been read and found as declared."""
    manifest = _read_manifest(archive)
    for entry in [*manifest.get("tables", []), *manifest.get("media", [])]:
        if entry.get("path") is not None:
            parts = PurePosixPath(entry["path"]).parts
            if not parts or entry["path"].startswith("/") or ".." in parts or "\\" in entry["path"]:
                raise RestoreError(f"media file {entry['path']!r}: not a path inside MEDIA_ROOT")
        digest = hashlib.sha256()
        for block in _member(archive, entry):
            digest.update(block)
        if digest.hexdigest() != entry["sha256"]:
            raise RestoreError(f"{entry['member']} is damaged (its SHA-256 differs from the manifest's)")
    return manifest


def _targets(executor: MigrationExecutor, migrations: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The archive's last migration of each app, refused if this code does not know one of them."""
    graph = executor.loader.graph
    replaced = {old: new for new, m in executor.loader.replacements.items() for old in m.replaces}
    known = set()
    for app, names in migrations.items():
        for name in names:
            key = replaced.get((app, name), (app, name))
            if key not in graph.nodes:
                raise RestoreError(
                    f"the archive comes from a newer schema: migration {app}.{name} is unknown to this Luoshi; "
                    "restore it with the release that wrote it (or a newer one)"
                )
            known.add(key)
    return sorted(
        node
        for node in known
        if not any(child in known for child in graph.node_map[node].children if child[0] == node[0])
    )


def _holding_data(using: str) -> list[str]:
    """The tables that hold rows a fresh `migrate` would not have written."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    found = []
    for model in archived_models():
        meta = model._meta
        if meta.db_table not in tables:
            continue
        rows = model._base_manager.using(using)
        if meta.label_lower == "events.chainhead":
            rows = rows.exclude(seq=0)
        elif meta.label_lower in SEEDED:
            continue
        if rows.exists():
            found.append(meta.db_table)
    return found


def _decode(model: type[Model], row: dict[str, Any]) -> Model:
    """A serialised row as an instance of the (historical) model, as Django's deserializer builds it."""
    values: dict[str, Any] = {model._meta.pk.attname: model._meta.pk.to_python(row["pk"])}
    for f in model._meta.local_concrete_fields:
        if f.primary_key or f.name not in row["fields"]:
            continue
        value = row["fields"][f.name]
        if isinstance(f, ForeignKey) and value is not None:
            values[f.attname] = f.target_field.to_python(value)
        else:
            values[f.attname] = f.to_python(value)
    return model(**values)


def _lines(archive: zipfile.ZipFile, entry: dict[str, Any]) -> Iterator[dict[str, Any]]:
    pending = b""
    for block in _member(archive, entry):
        pending += block
        *lines, pending = pending.split(b"\n")
        if len(pending) > MAX_LINE_BYTES:
            raise RestoreError(f"{entry['member']}: a row longer than {MAX_LINE_BYTES} bytes")
        for line in lines:
            yield json.loads(line)
    if pending.strip():
        yield json.loads(pending)


def _load_table(archive: zipfile.ZipFile, entry: dict[str, Any], historical: Apps, using: str) -> None:
    app, name = entry["model"].split(".")
    model = historical.get_model(app, name)
    fields = list(model._meta.local_concrete_fields)
    connection = connections[using]
    batch: list[Model] = []

    def flush() -> None:
        size = max(1, min(CHUNK, connection.ops.bulk_batch_size(fields, batch)))
        for start in range(0, len(batch), size):
            # raw: the values as they are (no auto_now, no defaults, no events' chain tagging)
            model._base_manager._insert(batch[start : start + size], fields=fields, using=using, raw=True)
        batch.clear()

    for row in _lines(archive, entry):
        batch.append(_decode(model, row))
        if len(batch) >= CHUNK:
            flush()
    flush()


def _reset_sequences(using: str) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), archived_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _stage_media(archive: zipfile.ZipFile, manifest: dict[str, Any], root: Path) -> Path | None:
    """Unpack the media files beside MEDIA_ROOT (moved into place once the database is restored)."""
    if not manifest.get("media"):
        return None
    staging = root.parent / f".{root.name}.restoring-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    for entry in manifest["media"]:
        target = staging / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            for block in _member(archive, entry):
                out.write(block)
    return staging


def restore(path: Path, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Restore the archive at `path`; returns its manifest. RestoreError says why not (nothing changed then)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise RestoreError(f"{path}: not a Luoshi backup (not a zip archive: {e})") from None
    with archive:
        manifest = check_archive(archive)
        connection = connections[using]
        executor = MigrationExecutor(connection)
        targets = _targets(executor, manifest.get("migrations", {}))
        if found := _holding_data(using):
            raise RestoreError(f"the database already holds data (in {', '.join(found[:5])}). {EMPTY_HINT}")
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.is_dir() and any(media_root.iterdir()):
            raise RestoreError(f"MEDIA_ROOT ({media_root}) already holds files: restore into an empty directory.")
        plan = executor.migration_plan(targets)
        if any(backwards for _migration, backwards in plan):
            raise RestoreError(f"the database is migrated past the archive's schema. {EMPTY_HINT}")
        staging = _stage_media(archive, manifest, media_root)
        try:
            executor.migrate(targets, plan=plan)
            historical = executor.loader.project_state(targets, at_end=True).apps
            with transaction.atomic(using=using):
                for entry in manifest["tables"]:
                    # whatever the migrations seeded gives way to the archive's rows
                    model = historical.get_model(*entry["model"].split("."))
                    model._base_manager.using(using).all()._raw_delete(using)
                for entry in manifest["tables"]:
                    _load_table(archive, entry, historical, using)
                connection.check_constraints(table_names=[entry["table"] for entry in manifest["tables"]])
            call_command("migrate", database=using, verbosity=0, interactive=False)
            _reset_sequences(using)
            if staging is not None:
                if media_root.is_dir():
                    media_root.rmdir()
                media_root.parent.mkdir(parents=True, exist_ok=True)
                staging.rename(media_root)
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
    return manifest


def cmd_restore(args: Any) -> None:
    import sys

    from django.db import DatabaseError

    if "DATABASE_URL" not in os.environ:  # the SQLite file under LUOSHI_VAR_DIR, as `luoshi demo` makes it
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    try:
        manifest = restore(Path(args.file))
    except RestoreError as e:
        sys.exit(f"luoshi restore: {e}")
    except (DatabaseError, OSError) as e:
        sys.exit(f"luoshi restore: failed ({type(e).__name__}): {e}")
    rows = sum(t["rows"] for t in manifest["tables"])
    print(
        f"restored {args.file} (Luoshi {manifest['luoshi_version']}, {manifest['database']['vendor']}, "
        f"{manifest['created_at']}): {rows} rows in {len(manifest['tables'])} tables, {len(manifest['media'])} files"
    )
