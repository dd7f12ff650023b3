"""Backing up and restoring the database while the app keeps serving.

SQLite goes through sqlite3's online backup API: a consistent copy page by page, taken while
other processes read and write. PostgreSQL goes through pg_dump/pg_restore in their custom format
(one consistent snapshot, compressed). A backup file is restored into the same kind of database.
"""
import os
import shutil
import sqlite3
import subprocess
from glob import glob
from pathlib import Path

from sqlalchemy import inspect

from ..core.pagecache import start_new_epoch

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A problem the operator can fix (message says how)."""


def backup_database(engine, output: Path) -> str:
    """Write a backup of the database behind ``engine`` to ``output``; returns a one-line summary."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    backend = engine.url.get_backend_name()
    if backend == "sqlite":
        _sqlite_backup(_sqlite_path(engine), partial)
    elif backend == "postgresql":
        _run(_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
             env=_pg_env(engine.url))
    else:
        raise BackupError(f"Backing up {backend} databases is not supported.")
    partial.replace(output)  # the named file is only ever a complete backup
    return f"Backed up the {backend} database to {output} ({output.stat().st_size} bytes)."


def restore_database(engine, source: Path, replace: bool = False) -> str:
    """Load the backup ``source`` into the database behind ``engine``, which must be empty unless ``replace``."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    with source.open("rb") as fh:
        magic = fh.read(len(SQLITE_MAGIC))
    backend = engine.url.get_backend_name()
    expected = {"sqlite": SQLITE_MAGIC, "postgresql": PG_CUSTOM_MAGIC}.get(backend)
    if expected is None:
        raise BackupError(f"Restoring into {backend} databases is not supported.")
    if not magic.startswith(expected):
        raise BackupError(f"{source} is not a {backend} backup made by this command; restore it into the kind "
                          "of database it came from.")
    existing = inspect(engine).get_table_names()
    if existing and not replace:
        raise BackupError(f"The target database already has {len(existing)} tables. Restore into a new, empty "
                          "database, or pass --replace to overwrite everything in it.")
    engine.dispose()  # no pooled connection may hold the old content open
    if backend == "sqlite":
        _sqlite_backup(source, _sqlite_path(engine))
    else:
        options = ["--clean", "--if-exists"] if replace else []
        _run(_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
             *options, f"--dbname={engine.url.database}", str(source), env=_pg_env(engine.url))
    start_new_epoch(engine)
    return f"Restored {source} into the {backend} database {engine.url.database}."


def _sqlite_path(engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def _sqlite_backup(source: Path, target: Path) -> None:
    """Copy one SQLite file into another through the online backup API, then check the copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst, pages=1024)  # in steps, so writers of a live database are not held up
        result = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"The copy failed its integrity check: {result}")
    finally:
        src.close()
        dst.close()


def _pg_tool(name: str) -> str:
    """The named PostgreSQL client on PATH, else the newest in Debian's versioned directories."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[-3]))
    if not candidates:
        raise BackupError(f"{name} was not found; install the PostgreSQL client (Debian: postgresql-client).")
    return candidates[-1]


def _pg_env(url) -> dict:
    """Connection settings through libpq's variables, so the password never shows in a process list."""
    env = dict(os.environ)
    settings = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username, "PGPASSWORD": url.password,
                "PGDATABASE": url.database, "PGSSLMODE": url.query.get("sslmode")}
    env.update({key: str(value) for key, value in settings.items() if value})
    return env


def _run(*command, env) -> None:
    result = subprocess.run([str(part) for part in command], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")
