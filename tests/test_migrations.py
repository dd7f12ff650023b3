"""Migrations: an empty database upgrades to head, matches the models, and downgrades to base."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from tests.conftest import make_test_config
from training_mgr import create_app
from training_mgr.extensions import db


def test_upgrade_to_head_matches_the_models_and_downgrade_to_base_empties(new_database_url):
    app = create_app(make_test_config(new_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
            tables = set(inspect(connection).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        downgrade(revision="base")
        db.engine.dispose()
    engine = create_engine(new_database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_flask_db_check_finds_no_drift(new_database_url):
    app = create_app(make_test_config(new_database_url))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
