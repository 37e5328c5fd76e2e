"""`luoshi backup` and `luoshi restore`: the demo city goes through an archive and comes back table by table,
row by row, on SQLite and PostgreSQL and across the two; the audit chain still holds; bad archives and
databases in use are refused. Backups and restores run as `luoshi` processes with their own DATABASE_URL
and LUOSHI_VAR_DIR, apart from the test's own database connection."""

import json
import os
import shutil
import sqlite3
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest
from django.db import connection

from luoshi import backup
from luoshi.duties import services as duty_services
from luoshi.org.models import Unit

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAMES = ("luoshi_deploy_restore", "luoshi_deploy_restore2")
LEFT_OUT_TABLES = {"django_session", "django_tasks_database_dbtaskresult"}
NEW_PASSWORD = "Restore-drill-2026-Kx"


def luoshi(*args: str, var: Path, db: str | None = None, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update(LUOSHI_VAR_DIR=str(var), LUOSHI_TWO_FACTOR_ROLES="", **env)
    if db:
        environment["DATABASE_URL"] = db
    return subprocess.run(
        ["uv", "run", "--no-sync", "luoshi", *args],
        cwd=ROOT,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=900,
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def archived(path: Path) -> tuple[dict, dict[str, list]]:
    """The manifest and every table's rows as the archive holds them (parsed: JSON objects compare by value)."""
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read("manifest.json"))
        return manifest, {
            t["model"]: [json.loads(x) for x in z.read(t["member"]).splitlines()] for t in manifest["tables"]
        }


def sqlite_tables(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: db.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall() for name in names}


def verified(var: Path, db: str | None = None) -> int:
    out = ok(luoshi("audit", "verify", var=var, db=db))
    assert "audit chain holds" in out
    return int(out.split(": ")[1].split()[0])


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> dict[str, Path]:
    """The demo city on SQLite (built, or copied from the one .ci/run built), two uploaded files, and its archive."""
    if os.environ.get("DATABASE_URL"):
        # These round trips run `luoshi` processes on databases of their own (PostgreSQL included), whatever
        # the suite's database: once, in the SQLite pass, is enough.
        pytest.skip("the archive round trips run in the suite's SQLite pass")
    base = tmp_path_factory.mktemp("backup")
    src = base / "src"
    prebuilt = Path(os.environ.get("LUOSHI_TEST_DEMO_FROM", "")) / "luoshi.sqlite3"
    if os.environ.get("LUOSHI_TEST_DEMO_FROM") and prebuilt.is_file():
        # .ci/run built this code's demo city a moment ago (the README's command): a copy, not a second build.
        src.mkdir()
        shutil.copyfile(prebuilt, src / "luoshi.sqlite3")
    else:
        ok(luoshi("demo", "--no-serve", var=src))
    (src / "media" / "附件").mkdir(parents=True)
    (src / "media" / "附件" / "汇报材料.txt").write_text("第一季度汇报\n")
    (src / "media" / "photo.bin").write_bytes(bytes(range(256)) * 64)
    ok(luoshi("backup", str(base / "city.zip"), var=src))
    return {"base": base, "src": src, "db": src / "luoshi.sqlite3", "zip": base / "city.zip"}


def test_the_archive_says_what_it_holds(city):
    manifest, rows = archived(city["zip"])
    assert manifest["format"] == "luoshi-backup" and manifest["format_version"] == 1
    assert manifest["database"]["vendor"] == "sqlite" and manifest["luoshi_version"] and manifest["created_at"]
    assert "0001_initial" in manifest["migrations"]["events"]
    assert set(manifest["left_out"]) == {"sessions.session", "django_tasks_db.dbtaskresult"}
    tables = sqlite_tables(city["db"])
    for entry in manifest["tables"]:
        assert entry["rows"] == len(tables[entry["table"]]) == len(rows[entry["model"]]), entry["table"]
    assert {t["table"] for t in manifest["tables"]} | LEFT_OUT_TABLES | {"django_migrations", "sqlite_sequence"} == set(
        tables
    )
    assert {m["path"] for m in manifest["media"]} == {"附件/汇报材料.txt", "photo.bin"}
    event = rows["events.event"][0]
    assert set(event) == {"model", "pk", "fields"} and len(event["fields"]["digest"]) == 64
    assert zipfile.ZipFile(city["zip"]).testzip() is None
    assert city["zip"].stat().st_mode & 0o077 == 0  # password hashes and two-factor secrets: the owner's alone


def test_a_restore_on_sqlite_brings_back_every_table_row_by_row(city):
    dst = city["base"] / "sqlite-copy"
    out = ok(luoshi("restore", str(city["zip"]), var=dst))
    assert "restored" in out
    before, after = sqlite_tables(city["db"]), sqlite_tables(dst / "luoshi.sqlite3")
    assert set(before) == set(after)
    for table in before:
        if table == "django_migrations":  # when each was applied differs; which ones were, does not
            assert {r[1:3] for r in before[table]} == {r[1:3] for r in after[table]}
        elif table in LEFT_OUT_TABLES:
            assert after[table] == []
        else:
            assert before[table] == after[table], table
    assert (dst / "media" / "附件" / "汇报材料.txt").read_text() == "第一季度汇报\n"
    assert (dst / "media" / "photo.bin").read_bytes() == (city["src"] / "media" / "photo.bin").read_bytes()

    events = len(before["events_event"])
    assert verified(dst) == events
    # New rows get new ids, and new events extend the restored chain.
    ok(luoshi("createadmin", "drill_admin", "--password-stdin", var=dst, stdin=NEW_PASSWORD + "\n"))
    people = sqlite_tables(dst / "luoshi.sqlite3")["org_person"]
    assert max(r[0] for r in people) == max(r[0] for r in before["org_person"]) + 1
    assert verified(dst) >= events + 1

    # Restoring again onto that database is refused: it holds data now.
    again = luoshi("restore", str(city["zip"]), var=dst)
    assert again.returncode != 0
    assert "already holds data" in again.stderr and "empty database" in again.stderr


def test_a_database_just_migrated_counts_as_empty(city, tmp_path):
    """What `migrate` writes itself (content types, permissions, the chain's head, calendar days) gives way."""
    ok(luoshi("manage", "migrate", "-v0", var=tmp_path))
    ok(luoshi("restore", str(city["zip"]), var=tmp_path))
    assert sqlite_tables(tmp_path / "luoshi.sqlite3")["org_person"] == sqlite_tables(city["db"])["org_person"]
    assert verified(tmp_path) == len(sqlite_tables(city["db"])["events_event"])


def pg_available() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
        return True
    except Exception:
        return False


@pytest.fixture
def pg_databases():
    if not pg_available():
        if os.environ.get("LUOSHI_REQUIRE_SYSTEM_PACKAGES") == "1":
            pytest.fail(f"PostgreSQL is not reachable at {PG_SERVER}")
        pytest.skip(f"PostgreSQL is not reachable at {PG_SERVER}")
    import psycopg

    def recreate(drop_only: bool = False) -> None:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            for name in PG_NAMES:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                if not drop_only:
                    admin.execute(f'CREATE DATABASE "{name}"')

    recreate()
    yield [f"{PG_SERVER}/{name}" for name in PG_NAMES]
    recreate(drop_only=True)


def test_a_restore_crosses_between_sqlite_and_postgresql(city, pg_databases):
    base = city["base"]
    first, second = pg_databases
    manifest, rows = archived(city["zip"])
    events = len(rows["events.event"])

    ok(luoshi("restore", str(city["zip"]), var=base / "pg1", db=first))  # SQLite → PostgreSQL
    assert verified(base / "pg1", first) == events
    ok(luoshi("backup", str(base / "from-pg.zip"), var=base / "pg1", db=first))
    pg_manifest, pg_rows = archived(base / "from-pg.zip")
    assert pg_manifest["database"]["vendor"] == "postgresql"
    assert pg_rows == rows and pg_manifest["migrations"] == manifest["migrations"]
    assert {m["path"]: m["sha256"] for m in pg_manifest["media"]} == {m["path"]: m["sha256"] for m in manifest["media"]}

    ok(luoshi("restore", str(base / "from-pg.zip"), var=base / "pg2", db=second))  # PostgreSQL → PostgreSQL
    ok(luoshi("restore", str(base / "from-pg.zip"), var=base / "back"))  # PostgreSQL → SQLite
    for var, db in [(base / "pg2", second), (base / "back", None)]:
        assert verified(var, db) == events
        ok(luoshi("backup", str(var / "again.zip"), var=var, db=db))
        assert archived(var / "again.zip")[1] == rows
    # The sequences were moved past the restored ids: a new person and a new event on PostgreSQL.
    ok(luoshi("createadmin", "drill_admin", "--password-stdin", var=base / "pg2", db=second, stdin=NEW_PASSWORD + "\n"))
    ok(luoshi("backup", str(base / "after.zip"), var=base / "pg2", db=second))
    people = archived(base / "after.zip")[1]["org.person"]
    assert people[-1]["fields"]["username"] == "drill_admin"
    assert people[-1]["pk"] == max(p["pk"] for p in rows["org.person"]) + 1
    assert verified(base / "pg2", second) > events


def rewritten(source: Path, target: Path, change) -> Path:
    """A copy of the archive with its manifest (and members) changed by change(manifest, members)."""
    with zipfile.ZipFile(source) as z:
        members = {name: z.read(name) for name in z.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    change(manifest, members)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        z.writestr("manifest.json", json.dumps(manifest))
    return target


def newer_schema(manifest: dict, members: dict) -> None:
    manifest["migrations"]["events"].append("9999_from_the_future")


def wrong_version(manifest: dict, members: dict) -> None:
    manifest["format_version"] = 2


def damaged(manifest: dict, members: dict) -> None:
    members["data/org.unit.jsonl"] = members["data/org.unit.jsonl"].replace("市".encode(), "省".encode())


def longer_than_declared(manifest: dict, members: dict) -> None:
    members["data/org.unit.jsonl"] += b'{"model": "org.unit", "pk": 999999, "fields": {}}\n'


def outside_media_root(manifest: dict, members: dict) -> None:
    entry = manifest["media"][0]
    entry["path"] = "../../etc/cron.d/x"


@pytest.mark.parametrize(
    "change, message, env",
    [
        (None, "not a zip archive", {}),
        (wrong_version, "format version 2", {}),
        (newer_schema, "newer schema", {}),
        (damaged, "damaged", {}),
        (longer_than_declared, "its manifest says", {}),
        (outside_media_root, "not a path inside MEDIA_ROOT", {}),
        ("as is", "too large for a member", {"LUOSHI_RESTORE_MAX_MEMBER_BYTES": "100000"}),
    ],
    ids=["not-a-zip", "wrong-version", "newer-schema", "damaged", "too-long", "outside-media", "too-large"],
)
def test_a_bad_archive_is_refused_before_the_database_is_touched(city, tmp_path, change, message, env):
    if change is None:
        bad = tmp_path / "notes.zip"
        bad.write_text("not an archive")
    elif change == "as is":
        bad = city["zip"]
    else:
        bad = rewritten(city["zip"], tmp_path / "bad.zip", change)
    result = luoshi("restore", str(bad), var=tmp_path / "target", **env)
    assert result.returncode != 0 and message in result.stderr, result.stderr
    db = tmp_path / "target" / "luoshi.sqlite3"
    assert not db.exists() or sqlite_tables(db) == {}
    assert not (tmp_path / "target" / "media").exists()


# --- in the test's own database: the conftest city, chunks smaller than a table, one snapshot ---


@pytest.mark.django_db(transaction=True)
def test_the_backup_reads_one_snapshot_in_chunks(published_list, liaison_a, liaison_b, unit_a, unit_b, tmp_path):
    duty_services.do_report(liaison_a, published_list.duties.get(unit=unit_a), progress=30, done="完成选址")
    duty_services.do_report(liaison_b, published_list.duties.get(unit=unit_b), progress=50, done="完成规划")
    units_before = Unit.objects.count()
    written_while = []
    original = backup._write_table

    def with_a_writer(archive, model, chunk, using):
        if not written_while:  # another connection commits a unit while the backup is under way
            worker = threading.Thread(target=lambda: written_while.append(Unit.objects.create(name="备份中新增").pk))
            worker.start()
            worker.join()
        return original(archive, model, chunk, using)

    backup._write_table = with_a_writer  # type: ignore[assignment]
    try:
        manifest = backup.write(tmp_path / "small.zip", chunk=3)
    finally:
        backup._write_table = original  # type: ignore[assignment]
    assert written_while and Unit.objects.count() == units_before + 1
    _, rows = archived(tmp_path / "small.zip")
    assert len(rows["org.unit"]) == units_before  # the unit committed meanwhile is not in the archive
    assert manifest["database"]["vendor"] == connection.vendor
    events = [r["pk"] for r in rows["events.event"]]
    assert len(events) > 3 and events == sorted(events)  # read in chunks of 3, by primary key

    target = tmp_path / "restored"
    ok(luoshi("restore", str(tmp_path / "small.zip"), var=target))
    assert verified(target) == len(events)
    ok(luoshi("backup", str(tmp_path / "again.zip"), var=target))
    assert archived(tmp_path / "again.zip")[1] == rows
