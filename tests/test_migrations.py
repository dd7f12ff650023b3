"""Migrations: an empty database upgrades to head, matches the models, and downgrades to base."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from tests.conftest import PG_URL, make_test_config
from training_mgr import create_app
from training_mgr.extensions import db


@pytest.fixture
def empty_database(tmp_path, worker_id):
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    import psycopg

    base, name = PG_URL.rsplit("/", 1)
    target = f"{name}_migrations_{worker_id}"
    admin_url = base.replace("+psycopg", "") + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{target}"')
    yield f"{base}/{target}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_upgrade_to_head_matches_the_models_and_downgrade_to_base_empties(empty_database):
    app = create_app(make_test_config(empty_database))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
            tables = set(inspect(connection).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        downgrade(revision="base")
        db.engine.dispose()
    engine = create_engine(empty_database)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_flask_db_check_finds_no_drift(empty_database):
    app = create_app(make_test_config(empty_database))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
