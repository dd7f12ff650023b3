"""backup and restore: a round trip into a new database gives back every row of every table."""
import sqlite3
import threading

import pytest
from sqlalchemy import select

from tests.conftest import PG_URL, make_test_config
from training_mgr import create_app
from training_mgr.extensions import db


def all_rows(engine):
    """Every table's rows, sorted, as plain tuples: what must survive a round trip."""
    contents = {}
    with engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(select(table)).all()
            contents[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return contents


def test_backup_and_restore_into_a_new_database_keeps_every_row(app, runner, tmp_path, new_database_url):
    from tests.factories import AttendanceMarkFactory, RecommendationUpdateFactory, UserFactory
    from training_mgr.auth.services import create_api_token, create_user

    assert runner.invoke(args=["seed-demo", "--password", "pw-for-tests"]).exit_code == 0
    AttendanceMarkFactory()
    RecommendationUpdateFactory()
    create_api_token(UserFactory(role="manager"), "dashboard")
    before = all_rows(db.engine)
    assert before["users"] and before["attendance_marks"] and before["recommendation_updates"]

    backup_file = tmp_path / "nightly" / "training_mgr.backup"
    result = runner.invoke(args=["backup", "--output", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output and backup_file.stat().st_size > 0

    restored_app = create_app(make_test_config(new_database_url))
    with restored_app.app_context():
        result = restored_app.test_cli_runner().invoke(args=["restore", str(backup_file)])
        assert result.exit_code == 0, result.output
        after = all_rows(db.engine)
        # the restored database works for the app, not just for a byte comparison
        assert restored_app.test_client().get("/sessions/2").status_code == 200
        db.engine.dispose()
    (_, epoch_before, _), = before.pop("data_state")
    (_, epoch_after, _), = after.pop("data_state")
    before.pop("data_versions"), after.pop("data_versions")  # the page cache's bookkeeping, moved by the restore
    assert after == before
    # the restored data starts a new epoch: a page cached before the restore is never taken for it
    assert epoch_after != epoch_before
    with restored_app.app_context():  # and new rows continue the numbering (sequences restored too)
        new_user = create_user("after.restore@example.org", "officer")
        assert new_user.id > max(row[0] for row in before["users"])
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_to_overwrite_a_database_that_has_tables(app, runner, tmp_path):
    backup_file = tmp_path / "backup"
    assert runner.invoke(args=["backup", "--output", str(backup_file)]).exit_code == 0
    result = runner.invoke(args=["restore", str(backup_file)])
    assert result.exit_code != 0
    assert "already has" in result.output and "--replace" in result.output


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind(app, runner, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    result = runner.invoke(args=["restore", str(bogus)])
    assert result.exit_code != 0
    assert "is not a" in result.output


@pytest.mark.skipif(bool(PG_URL), reason="SQLite online backup (PostgreSQL's pg_dump takes a snapshot by design)")
def test_sqlite_backup_while_another_connection_is_writing(app, runner, tmp_path):
    """A write in progress in another process is not in the backup; everything committed is."""
    from tests.factories import OrganisationFactory

    OrganisationFactory(name="Committed Ministry")
    path = db.engine.url.database
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    try:
        writer.execute("INSERT INTO organisations (name, kind, country, created_at) "
                       "VALUES ('Half-written', 'ministry', 'IQ', CURRENT_TIMESTAMP)")
        backup_file = tmp_path / "live.sqlite"
        result = runner.invoke(args=["backup", "--output", str(backup_file)])
        assert result.exit_code == 0, result.output
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    copy = sqlite3.connect(backup_file)
    names = {name for (name,) in copy.execute("SELECT name FROM organisations")}
    copy.close()
    assert names == {"Committed Ministry"}


def test_backup_during_requests_does_not_disturb_them(app, runner, tmp_path):
    """The app keeps answering while a backup runs (both databases)."""
    runner.invoke(args=["seed-demo", "--password", "pw-for-tests"])
    client = app.test_client()
    statuses = []

    def browse():
        for _ in range(10):
            statuses.append(client.get("/healthz").status_code)

    browsing = threading.Thread(target=browse)
    browsing.start()
    result = runner.invoke(args=["backup", "--output", str(tmp_path / "during.backup")])
    browsing.join()
    assert result.exit_code == 0, result.output
    assert statuses == [200] * 10


def test_an_unreachable_pg_dump_gives_a_clear_message(app, monkeypatch):
    from training_mgr.ops import backup

    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    monkeypatch.setattr(backup, "glob", lambda pattern: [])
    with pytest.raises(backup.BackupError, match="postgresql-client"):
        backup._pg_tool("pg_dump")


def test_the_newest_postgresql_client_is_chosen(monkeypatch):
    from training_mgr.ops import backup

    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    monkeypatch.setattr(backup, "glob", lambda pattern: [pattern.replace("*", v) for v in ("9", "15", "13")])
    assert backup._pg_tool("pg_dump") == "/usr/lib/postgresql/15/bin/pg_dump"
