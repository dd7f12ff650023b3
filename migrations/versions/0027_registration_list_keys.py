"""registration list keys: each registration keeps a copy of its participant's sort name, folded names and e-mail,
organisation and sex (kept by triggers: training_mgr/registrations/copies.py), with an index on (training, sort name,
id), and organisation_tallies counts each training's registrations per organisation and status (triggers:
training_mgr/registrations/tallies.py), so that a page of the officer's list reads only its own rows; the index on
(training, status) takes the id too, so that the list sorted by status walks it

Revision ID: 0027_registration_list_keys
Revises: 0026_question_help
Create Date: 2026-11-29 19:00:00.000000

The registrations already stored get their copies in one UPDATE … FROM and are counted once, in the same
transaction as the triggers are made (before them, so that the copy is not made twice).
"""
from alembic import op
import sqlalchemy as sa

# as in training_mgr/registrations/copies.py and tallies.py when this revision was written (a revision never changes)
COPY_BACKFILL = {'postgresql': 'UPDATE registrations SET participant_sort_name = lower(p.name), participant_search = p.name_folded '
               '|| chr(10) || lower(p.email), participant_organisation_id = p.organisation_id, participant_sex = '
               'p.sex FROM participants AS p WHERE p.id = registrations.participant_id',
 'sqlite': 'UPDATE registrations SET participant_sort_name = lower(p.name), participant_search = p.name_folded || '
           'char(10) || lower(p.email), participant_organisation_id = p.organisation_id, participant_sex = p.sex '
           'FROM participants AS p WHERE p.id = registrations.participant_id'}
ORGANISATION_BACKFILL = 'INSERT INTO organisation_tallies (training_session_id, organisation_id, status, registrations)\n    SELECT training_session_id, participant_organisation_id, status, count(*) FROM registrations\n    WHERE participant_organisation_id IS NOT NULL GROUP BY training_session_id, participant_organisation_id, status'
COPY_TRIGGERS = {'postgresql': (['CREATE FUNCTION registrations_copy_participant() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'DECLARE copied record;\n'
                 'BEGIN\n'
                 '  SELECT lower(p.name) AS participant_sort_name, p.name_folded || chr(10) || lower(p.email) AS '
                 'participant_search, p.organisation_id AS participant_organisation_id, p.sex AS participant_sex '
                 'INTO copied FROM participants AS p WHERE p.id = NEW.participant_id;\n'
                 '  IF FOUND THEN\n'
                 '    NEW.participant_sort_name := copied.participant_sort_name; NEW.participant_search := '
                 'copied.participant_search; NEW.participant_organisation_id := '
                 'copied.participant_organisation_id; NEW.participant_sex := copied.participant_sex;\n'
                 '  END IF;\n'
                 '  RETURN NEW;\n'
                 'END $$',
                 'CREATE FUNCTION participants_copy_to_registrations() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  UPDATE registrations SET participant_sort_name = lower(NEW.name), participant_search = '
                 'NEW.name_folded || chr(10) || lower(NEW.email), participant_organisation_id = '
                 'NEW.organisation_id, participant_sex = NEW.sex WHERE participant_id = NEW.id;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER registrations_copy_participant BEFORE INSERT OR UPDATE OF participant_id, '
                 'participant_sort_name, participant_search, participant_organisation_id, participant_sex ON '
                 'registrations FOR EACH ROW EXECUTE FUNCTION registrations_copy_participant()',
                 'CREATE TRIGGER participants_copy_to_registrations AFTER UPDATE OF name, name_folded, email, '
                 'organisation_id, sex ON participants FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR '
                 'OLD.name_folded IS DISTINCT FROM NEW.name_folded OR OLD.email IS DISTINCT FROM NEW.email OR '
                 'OLD.organisation_id IS DISTINCT FROM NEW.organisation_id OR OLD.sex IS DISTINCT FROM NEW.sex) '
                 'EXECUTE FUNCTION participants_copy_to_registrations()'],
                ['DROP TRIGGER IF EXISTS participants_copy_to_registrations ON participants',
                 'DROP TRIGGER IF EXISTS registrations_copy_participant ON registrations',
                 'DROP FUNCTION IF EXISTS participants_copy_to_registrations()',
                 'DROP FUNCTION IF EXISTS registrations_copy_participant()']),
 'sqlite': (['CREATE TRIGGER registrations_copy_participant_insert AFTER INSERT ON registrations BEGIN UPDATE '
             'registrations SET (participant_sort_name, participant_search, participant_organisation_id, '
             'participant_sex) = (SELECT lower(p.name), p.name_folded || char(10) || lower(p.email), '
             'p.organisation_id, p.sex FROM participants AS p WHERE p.id = NEW.participant_id) WHERE id = NEW.id '
             'AND EXISTS (SELECT 1 FROM participants WHERE id = NEW.participant_id); END',
             'CREATE TRIGGER registrations_copy_participant_update AFTER UPDATE OF participant_id, '
             'participant_sort_name, participant_search, participant_organisation_id, participant_sex ON '
             'registrations BEGIN UPDATE registrations SET (participant_sort_name, participant_search, '
             'participant_organisation_id, participant_sex) = (SELECT lower(p.name), p.name_folded || char(10) || '
             'lower(p.email), p.organisation_id, p.sex FROM participants AS p WHERE p.id = NEW.participant_id) '
             'WHERE id = NEW.id AND EXISTS (SELECT 1 FROM participants WHERE id = NEW.participant_id); END',
             'CREATE TRIGGER participants_copy_to_registrations AFTER UPDATE OF name, name_folded, email, '
             'organisation_id, sex ON participants WHEN OLD.name IS NOT NEW.name OR OLD.name_folded IS NOT '
             'NEW.name_folded OR OLD.email IS NOT NEW.email OR OLD.organisation_id IS NOT NEW.organisation_id OR '
             'OLD.sex IS NOT NEW.sex BEGIN UPDATE registrations SET participant_sort_name = lower(NEW.name), '
             'participant_search = NEW.name_folded || char(10) || lower(NEW.email), participant_organisation_id = '
             'NEW.organisation_id, participant_sex = NEW.sex WHERE participant_id = NEW.id; END'],
            ['DROP TRIGGER IF EXISTS participants_copy_to_registrations',
             'DROP TRIGGER IF EXISTS registrations_copy_participant_update',
             'DROP TRIGGER IF EXISTS registrations_copy_participant_insert'])}
ORGANISATION_TRIGGERS = {'postgresql': (['CREATE FUNCTION organisation_tallies_add() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  INSERT INTO organisation_tallies AS t (training_session_id, organisation_id, status, '
                 'registrations)\n'
                 '    SELECT training_session_id, participant_organisation_id, status, count(*) FROM new_rows\n'
                 '    WHERE participant_organisation_id IS NOT NULL GROUP BY training_session_id, '
                 'participant_organisation_id, status\n'
                 '    ON CONFLICT (training_session_id, organisation_id, status) DO UPDATE SET registrations = '
                 't.registrations + EXCLUDED.registrations;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE FUNCTION organisation_tallies_remove() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  UPDATE organisation_tallies AS t SET registrations = t.registrations - o.n\n'
                 '    FROM (SELECT training_session_id, participant_organisation_id, status, count(*) AS n FROM '
                 'old_rows\n'
                 '          GROUP BY training_session_id, participant_organisation_id, status) AS o\n'
                 '    WHERE t.training_session_id = o.training_session_id AND t.organisation_id = '
                 'o.participant_organisation_id\n'
                 '    AND t.status = o.status;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE FUNCTION organisation_tallies_move() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  UPDATE organisation_tallies SET registrations = registrations - 1\n'
                 '    WHERE training_session_id = OLD.training_session_id AND organisation_id = '
                 'OLD.participant_organisation_id\n'
                 '    AND status = OLD.status;\n'
                 '  INSERT INTO organisation_tallies (training_session_id, organisation_id, status, '
                 'registrations)\n'
                 '    SELECT NEW.training_session_id, NEW.participant_organisation_id, NEW.status, 1 WHERE '
                 'NEW.participant_organisation_id IS NOT NULL\n'
                 '    ON CONFLICT (training_session_id, organisation_id, status) DO UPDATE SET registrations = '
                 'organisation_tallies.registrations + 1;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER organisation_tallies_insert AFTER INSERT ON registrations REFERENCING NEW TABLE '
                 'AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_tallies_add()',
                 'CREATE TRIGGER organisation_tallies_delete AFTER DELETE ON registrations REFERENCING OLD TABLE '
                 'AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_tallies_remove()',
                 'CREATE TRIGGER organisation_tallies_update AFTER UPDATE ON registrations FOR EACH ROW WHEN '
                 '(OLD.status IS DISTINCT FROM NEW.status OR OLD.training_session_id IS DISTINCT FROM '
                 'NEW.training_session_id OR OLD.participant_organisation_id IS DISTINCT FROM '
                 'NEW.participant_organisation_id) EXECUTE FUNCTION organisation_tallies_move()'],
                ['DROP TRIGGER IF EXISTS organisation_tallies_insert ON registrations',
                 'DROP TRIGGER IF EXISTS organisation_tallies_delete ON registrations',
                 'DROP TRIGGER IF EXISTS organisation_tallies_update ON registrations',
                 'DROP FUNCTION IF EXISTS organisation_tallies_add()',
                 'DROP FUNCTION IF EXISTS organisation_tallies_remove()',
                 'DROP FUNCTION IF EXISTS organisation_tallies_move()']),
 'sqlite': (['CREATE TRIGGER organisation_tallies_insert AFTER INSERT ON registrations BEGIN INSERT INTO '
             'organisation_tallies (training_session_id, organisation_id, status, registrations)\n'
             '    SELECT NEW.training_session_id, p.organisation_id, NEW.status, 1 FROM participants AS p\n'
             '    WHERE p.id = NEW.participant_id AND p.organisation_id IS NOT NULL\n'
             '    ON CONFLICT (training_session_id, organisation_id, status) DO UPDATE SET registrations = '
             'organisation_tallies.registrations + 1; END',
             'CREATE TRIGGER organisation_tallies_delete AFTER DELETE ON registrations BEGIN UPDATE '
             'organisation_tallies SET registrations = registrations - 1\n'
             '    WHERE training_session_id = OLD.training_session_id AND status = OLD.status\n'
             '    AND organisation_id = (SELECT organisation_id FROM participants WHERE id = OLD.participant_id); '
             'END',
             'CREATE TRIGGER organisation_tallies_update AFTER UPDATE OF status, training_session_id, '
             'participant_id ON registrations WHEN OLD.status IS NOT NEW.status OR OLD.training_session_id IS NOT '
             'NEW.training_session_id OR OLD.participant_id IS NOT NEW.participant_id BEGIN UPDATE '
             'organisation_tallies SET registrations = registrations - 1\n'
             '    WHERE training_session_id = OLD.training_session_id AND status = OLD.status\n'
             '    AND organisation_id = (SELECT organisation_id FROM participants WHERE id = OLD.participant_id); '
             'INSERT INTO organisation_tallies (training_session_id, organisation_id, status, registrations)\n'
             '    SELECT NEW.training_session_id, p.organisation_id, NEW.status, 1 FROM participants AS p\n'
             '    WHERE p.id = NEW.participant_id AND p.organisation_id IS NOT NULL\n'
             '    ON CONFLICT (training_session_id, organisation_id, status) DO UPDATE SET registrations = '
             'organisation_tallies.registrations + 1; END',
             'CREATE TRIGGER organisation_tallies_participant AFTER UPDATE OF organisation_id ON participants WHEN '
             'OLD.organisation_id IS NOT NEW.organisation_id BEGIN UPDATE organisation_tallies SET registrations = '
             'registrations - (\n'
             '        SELECT count(*) FROM registrations AS r WHERE r.participant_id = NEW.id\n'
             '        AND r.training_session_id = organisation_tallies.training_session_id AND r.status = '
             'organisation_tallies.status)\n'
             '    WHERE organisation_id = OLD.organisation_id\n'
             '    AND (training_session_id, status) IN (SELECT training_session_id, status FROM registrations '
             'WHERE participant_id = NEW.id);\n'
             '  INSERT INTO organisation_tallies (training_session_id, organisation_id, status, registrations)\n'
             '    SELECT training_session_id, NEW.organisation_id, status, count(*) FROM registrations\n'
             '    WHERE participant_id = NEW.id AND NEW.organisation_id IS NOT NULL GROUP BY training_session_id, '
             'status\n'
             '    ON CONFLICT (training_session_id, organisation_id, status) DO UPDATE SET registrations = '
             'organisation_tallies.registrations + excluded.registrations; END'],
            ['DROP TRIGGER IF EXISTS organisation_tallies_participant',
             'DROP TRIGGER IF EXISTS organisation_tallies_insert',
             'DROP TRIGGER IF EXISTS organisation_tallies_delete',
             'DROP TRIGGER IF EXISTS organisation_tallies_update'])}


revision = '0027_registration_list_keys'
down_revision = '0026_question_help'
branch_labels = None
depends_on = None


def upgrade():
    # plain ALTER TABLE, not a batch: rebuilding the table on SQLite would drop its triggers (the tallies')
    op.add_column('registrations', sa.Column('participant_sort_name', sa.Text(), server_default='', nullable=False))
    op.add_column('registrations', sa.Column('participant_search', sa.Text(), server_default='', nullable=False))
    op.add_column('registrations', sa.Column('participant_organisation_id', sa.Integer(), nullable=True))
    op.add_column('registrations', sa.Column('participant_sex', sa.String(length=6), nullable=True))
    op.create_table('organisation_tallies',
    sa.Column('training_session_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('registrations', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_tallies_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['training_session_id'], ['training_sessions.id'], name=op.f('fk_organisation_tallies_training_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('training_session_id', 'organisation_id', 'status', name=op.f('pk_organisation_tallies'))
    )
    dialect = op.get_bind().dialect.name
    op.execute(COPY_BACKFILL.get(dialect, COPY_BACKFILL['postgresql']))
    op.execute(ORGANISATION_BACKFILL)
    op.create_index('ix_registrations_training_session_id_participant_sort_name_id', 'registrations',
                    ['training_session_id', 'participant_sort_name', 'id'], unique=False)
    op.create_index('ix_registrations_training_session_id_status_id', 'registrations',
                    ['training_session_id', 'status', 'id'], unique=False)
    op.drop_index('ix_registrations_training_session_id_status', table_name='registrations')
    for statement in COPY_TRIGGERS.get(dialect, ([], []))[0] + ORGANISATION_TRIGGERS.get(dialect, ([], []))[0]:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in ORGANISATION_TRIGGERS.get(dialect, ([], []))[1] + COPY_TRIGGERS.get(dialect, ([], []))[1]:
        op.execute(statement)
    op.create_index('ix_registrations_training_session_id_status', 'registrations',
                    ['training_session_id', 'status'], unique=False)
    op.drop_index('ix_registrations_training_session_id_status_id', table_name='registrations')
    op.drop_index('ix_registrations_training_session_id_participant_sort_name_id', table_name='registrations')
    op.drop_table('organisation_tallies')
    for column in ('participant_sex', 'participant_organisation_id', 'participant_search', 'participant_sort_name'):
        op.drop_column('registrations', column)
