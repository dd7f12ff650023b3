"""registration tallies: each training's number of registrations in each status, kept by triggers on
registrations (training_mgr/registrations/tallies.py), so that pages listing trainings read counts instead of
counting every registration

Revision ID: 0017_registration_tallies
Revises: 0016_certificate_printed_text
Create Date: 2026-11-29 16:10:00.000000

The registrations already stored are counted once, in the same transaction as the triggers are made.
"""
from alembic import op
import sqlalchemy as sa

# as in training_mgr/registrations/tallies.py when this revision was written (a revision never changes)
BACKFILL = 'INSERT INTO registration_tallies (training_session_id, status, registrations)\n    SELECT training_session_id, status, count(*) FROM registrations GROUP BY training_session_id, status'
TRIGGERS = {'postgresql': (['CREATE FUNCTION registration_tallies_add() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  INSERT INTO registration_tallies AS t (training_session_id, status, registrations)\n'
                 '    SELECT training_session_id, status, count(*) FROM new_rows GROUP BY training_session_id, status\n'
                 '    ON CONFLICT (training_session_id, status) DO UPDATE SET registrations = t.registrations + '
                 'EXCLUDED.registrations;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE FUNCTION registration_tallies_remove() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  UPDATE registration_tallies AS t SET registrations = t.registrations - o.n\n'
                 '    FROM (SELECT training_session_id, status, count(*) AS n FROM old_rows GROUP BY '
                 'training_session_id, status) AS o\n'
                 '    WHERE t.training_session_id = o.training_session_id AND t.status = o.status;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE FUNCTION registration_tallies_move() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  IF OLD.status IS DISTINCT FROM NEW.status OR OLD.training_session_id IS DISTINCT FROM '
                 'NEW.training_session_id THEN\n'
                 '    UPDATE registration_tallies SET registrations = registrations - 1\n'
                 '    WHERE training_session_id = OLD.training_session_id AND status = OLD.status;\n'
                 '    INSERT INTO registration_tallies (training_session_id, status, registrations)\n'
                 '    VALUES (NEW.training_session_id, NEW.status, 1)\n'
                 '    ON CONFLICT (training_session_id, status) DO UPDATE SET registrations = '
                 'registration_tallies.registrations + 1;\n'
                 '  END IF;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER registration_tallies_insert AFTER INSERT ON registrations REFERENCING NEW TABLE AS '
                 'new_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_tallies_add()',
                 'CREATE TRIGGER registration_tallies_delete AFTER DELETE ON registrations REFERENCING OLD TABLE AS '
                 'old_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_tallies_remove()',
                 'CREATE TRIGGER registration_tallies_update AFTER UPDATE OF status, training_session_id ON '
                 'registrations FOR EACH ROW EXECUTE FUNCTION registration_tallies_move()'],
                ['DROP TRIGGER IF EXISTS registration_tallies_insert ON registrations',
                 'DROP TRIGGER IF EXISTS registration_tallies_delete ON registrations',
                 'DROP TRIGGER IF EXISTS registration_tallies_update ON registrations',
                 'DROP FUNCTION IF EXISTS registration_tallies_add()',
                 'DROP FUNCTION IF EXISTS registration_tallies_remove()',
                 'DROP FUNCTION IF EXISTS registration_tallies_move()']),
 'sqlite': (['CREATE TRIGGER registration_tallies_insert AFTER INSERT ON registrations BEGIN INSERT INTO '
             'registration_tallies (training_session_id, status, registrations)\n'
             '    VALUES (NEW.training_session_id, NEW.status, 1)\n'
             '    ON CONFLICT (training_session_id, status) DO UPDATE SET registrations = '
             'registration_tallies.registrations + 1; END',
             'CREATE TRIGGER registration_tallies_delete AFTER DELETE ON registrations BEGIN UPDATE '
             'registration_tallies SET registrations = registrations - 1\n'
             '    WHERE training_session_id = OLD.training_session_id AND status = OLD.status; END',
             'CREATE TRIGGER registration_tallies_update AFTER UPDATE OF status, training_session_id ON registrations '
             'WHEN OLD.status IS NOT NEW.status OR OLD.training_session_id IS NOT NEW.training_session_id BEGIN UPDATE '
             'registration_tallies SET registrations = registrations - 1\n'
             '    WHERE training_session_id = OLD.training_session_id AND status = OLD.status; INSERT INTO '
             'registration_tallies (training_session_id, status, registrations)\n'
             '    VALUES (NEW.training_session_id, NEW.status, 1)\n'
             '    ON CONFLICT (training_session_id, status) DO UPDATE SET registrations = '
             'registration_tallies.registrations + 1; END'],
            ['DROP TRIGGER IF EXISTS registration_tallies_insert',
             'DROP TRIGGER IF EXISTS registration_tallies_delete',
             'DROP TRIGGER IF EXISTS registration_tallies_update'])}


revision = '0017_registration_tallies'
down_revision = '0016_certificate_printed_text'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registration_tallies',
    sa.Column('training_session_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('registrations', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['training_session_id'], ['training_sessions.id'], name=op.f('fk_registration_tallies_training_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('training_session_id', 'status', name=op.f('pk_registration_tallies'))
    )
    op.execute(BACKFILL)
    for statement in TRIGGERS.get(op.get_bind().dialect.name, ([], []))[0]:
        op.execute(statement)


def downgrade():
    for statement in TRIGGERS.get(op.get_bind().dialect.name, ([], []))[1]:
        op.execute(statement)
    op.drop_table('registration_tallies')
