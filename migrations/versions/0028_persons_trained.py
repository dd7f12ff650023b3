"""persons trained: each person trained per course, and the distinct persons per course, organisation and sex, kept by
triggers on registrations, attendance tallies, trainings and participants (training_mgr/reports/tallies.py), so that the
programme report reads a few dozen rows instead of counting distinct people over every registration

Revision ID: 0028_persons_trained
Revises: 0027_registration_list_keys
Create Date: 2026-11-29 19:00:00.000000

The people already trained are counted once, in the same transaction as the triggers are made.
"""
from alembic import op
import sqlalchemy as sa

# as in training_mgr/reports/tallies.py when this revision was written (a revision never changes)
BACKFILL = ['INSERT INTO trained_persons (participant_id, course_id, organisation_id, sex) SELECT DISTINCT r.participant_id, '
 's.course_id, p.organisation_id, p.sex\n'
 '    FROM registrations AS r JOIN training_sessions AS s ON s.id = r.training_session_id\n'
 '    JOIN attendance_tallies AS a ON a.registration_id = r.id JOIN participants AS p ON p.id = r.participant_id\n'
 "    WHERE TRUE AND r.status = 'confirmed' AND s.status = 'completed' AND a.present + a.late > 0",
 'INSERT INTO persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
 '    SELECT course_id, coalesce(organisation_id, 0), sex, count(*) FROM trained_persons\n'
 '      WHERE TRUE GROUP BY course_id, coalesce(organisation_id, 0), sex\n'
 '    UNION ALL\n'
 '    SELECT 0, coalesce(organisation_id, 0), sex, count(DISTINCT participant_id)\n'
 '      FROM trained_persons WHERE TRUE GROUP BY coalesce(organisation_id, 0), sex\n'
 '    ORDER BY 1, 2, 3']
TRIGGERS = {'postgresql': (['CREATE FUNCTION persons_trained_refresh(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  IF cardinality(ids) = 0 THEN\n'
                 '    RETURN;\n'
                 '  END IF;\n'
                 '  PERFORM 1 FROM participants WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;\n'
                 '  INSERT INTO persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
                 '    SELECT course_id, coalesce(organisation_id, 0), sex, -count(*) FROM trained_persons\n'
                 '      WHERE participant_id = ANY(ids) GROUP BY course_id, coalesce(organisation_id, 0), sex\n'
                 '    UNION ALL\n'
                 '    SELECT 0, coalesce(organisation_id, 0), sex, -count(DISTINCT participant_id)\n'
                 '      FROM trained_persons WHERE participant_id = ANY(ids) GROUP BY coalesce(organisation_id, '
                 '0), sex\n'
                 '    ORDER BY 1, 2, 3\n'
                 '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
                 'persons_trained_tallies.persons + excluded.persons;\n'
                 'DELETE FROM trained_persons WHERE participant_id = ANY(ids);\n'
                 'INSERT INTO trained_persons (participant_id, course_id, organisation_id, sex) SELECT DISTINCT '
                 'r.participant_id, s.course_id, p.organisation_id, p.sex\n'
                 '    FROM registrations AS r JOIN training_sessions AS s ON s.id = r.training_session_id\n'
                 '    JOIN attendance_tallies AS a ON a.registration_id = r.id JOIN participants AS p ON p.id = '
                 'r.participant_id\n'
                 "    WHERE r.participant_id = ANY(ids) AND r.status = 'confirmed' AND s.status = 'completed' AND "
                 'a.present + a.late > 0;\n'
                 'INSERT INTO persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
                 '    SELECT course_id, coalesce(organisation_id, 0), sex, count(*) FROM trained_persons\n'
                 '      WHERE participant_id = ANY(ids) GROUP BY course_id, coalesce(organisation_id, 0), sex\n'
                 '    UNION ALL\n'
                 '    SELECT 0, coalesce(organisation_id, 0), sex, count(DISTINCT participant_id)\n'
                 '      FROM trained_persons WHERE participant_id = ANY(ids) GROUP BY coalesce(organisation_id, '
                 '0), sex\n'
                 '    ORDER BY 1, 2, 3\n'
                 '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
                 'persons_trained_tallies.persons + excluded.persons;\n'
                 'END $$',
                 'CREATE FUNCTION persons_trained_registrations_deleted() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  PERFORM persons_trained_refresh(ARRAY(SELECT DISTINCT participant_id FROM old_rows));\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER persons_trained_registrations_deleted AFTER DELETE ON registrations REFERENCING '
                 'OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'persons_trained_registrations_deleted()',
                 'CREATE FUNCTION persons_trained_registrations_changed() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  PERFORM persons_trained_refresh(ARRAY(SELECT o.participant_id FROM old_rows AS o JOIN new_rows '
                 'AS n ON n.id = o.id\n'
                 '      WHERE o.status IS DISTINCT FROM n.status OR o.training_session_id IS DISTINCT FROM '
                 'n.training_session_id\n'
                 '        OR o.participant_id IS DISTINCT FROM n.participant_id\n'
                 '    UNION SELECT n.participant_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id\n'
                 '      WHERE o.status IS DISTINCT FROM n.status OR o.training_session_id IS DISTINCT FROM '
                 'n.training_session_id\n'
                 '        OR o.participant_id IS DISTINCT FROM n.participant_id));\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER persons_trained_registrations_changed AFTER UPDATE ON registrations REFERENCING '
                 'OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'persons_trained_registrations_changed()',
                 'CREATE FUNCTION persons_trained_marks_counted() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  PERFORM persons_trained_refresh(ARRAY(SELECT DISTINCT r.participant_id FROM new_rows AS n JOIN '
                 'registrations AS r ON r.id = n.registration_id\n'
                 '      WHERE n.present + n.late > 0));\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER persons_trained_marks_counted AFTER INSERT ON attendance_tallies REFERENCING NEW '
                 'TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION persons_trained_marks_counted()',
                 'CREATE FUNCTION persons_trained_marks_changed() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  PERFORM persons_trained_refresh(ARRAY(SELECT DISTINCT r.participant_id FROM old_rows AS o JOIN '
                 'new_rows AS n ON n.registration_id = o.registration_id\n'
                 '      JOIN registrations AS r ON r.id = n.registration_id WHERE (o.present + o.late > 0) IS '
                 'DISTINCT FROM (n.present + n.late > 0)));\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER persons_trained_marks_changed AFTER UPDATE ON attendance_tallies REFERENCING OLD '
                 'TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'persons_trained_marks_changed()',
                 'CREATE FUNCTION persons_trained_trainings_changed() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  PERFORM persons_trained_refresh(ARRAY(SELECT DISTINCT r.participant_id FROM old_rows AS o JOIN '
                 'new_rows AS n ON n.id = o.id\n'
                 '      JOIN registrations AS r ON r.training_session_id = n.id\n'
                 "      WHERE (o.status = 'completed' OR n.status = 'completed')\n"
                 '        AND (o.status IS DISTINCT FROM n.status OR o.course_id IS DISTINCT FROM n.course_id)));\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER persons_trained_trainings_changed AFTER UPDATE ON training_sessions REFERENCING '
                 'OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'persons_trained_trainings_changed()',
                 'CREATE FUNCTION persons_trained_participants_changed() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  PERFORM persons_trained_refresh(ARRAY(SELECT n.id FROM old_rows AS o JOIN new_rows AS n ON '
                 'n.id = o.id\n'
                 '      WHERE o.organisation_id IS DISTINCT FROM n.organisation_id OR o.sex IS DISTINCT FROM '
                 'n.sex));\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER persons_trained_participants_changed AFTER UPDATE ON participants REFERENCING OLD '
                 'TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'persons_trained_participants_changed()'],
                ['DROP TRIGGER IF EXISTS persons_trained_registrations_deleted ON registrations',
                 'DROP TRIGGER IF EXISTS persons_trained_registrations_changed ON registrations',
                 'DROP TRIGGER IF EXISTS persons_trained_marks_counted ON attendance_tallies',
                 'DROP TRIGGER IF EXISTS persons_trained_marks_changed ON attendance_tallies',
                 'DROP TRIGGER IF EXISTS persons_trained_trainings_changed ON training_sessions',
                 'DROP TRIGGER IF EXISTS persons_trained_participants_changed ON participants',
                 'DROP FUNCTION IF EXISTS persons_trained_registrations_deleted()',
                 'DROP FUNCTION IF EXISTS persons_trained_registrations_changed()',
                 'DROP FUNCTION IF EXISTS persons_trained_marks_counted()',
                 'DROP FUNCTION IF EXISTS persons_trained_marks_changed()',
                 'DROP FUNCTION IF EXISTS persons_trained_trainings_changed()',
                 'DROP FUNCTION IF EXISTS persons_trained_participants_changed()',
                 'DROP FUNCTION IF EXISTS persons_trained_refresh(integer[])']),
 'sqlite': (['CREATE TRIGGER persons_trained_registrations_deleted AFTER DELETE ON registrations BEGIN INSERT INTO '
             'persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
             '    SELECT course_id, coalesce(organisation_id, 0), sex, -count(*) FROM trained_persons\n'
             '      WHERE participant_id = OLD.participant_id GROUP BY course_id, coalesce(organisation_id, 0), '
             'sex\n'
             '    UNION ALL\n'
             '    SELECT 0, coalesce(organisation_id, 0), sex, -count(DISTINCT participant_id)\n'
             '      FROM trained_persons WHERE participant_id = OLD.participant_id GROUP BY '
             'coalesce(organisation_id, 0), sex\n'
             '    ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
             'persons_trained_tallies.persons + excluded.persons; DELETE FROM trained_persons WHERE participant_id '
             '= OLD.participant_id; INSERT INTO trained_persons (participant_id, course_id, organisation_id, sex) '
             'SELECT DISTINCT r.participant_id, s.course_id, p.organisation_id, p.sex\n'
             '    FROM registrations AS r JOIN training_sessions AS s ON s.id = r.training_session_id\n'
             '    JOIN attendance_tallies AS a ON a.registration_id = r.id JOIN participants AS p ON p.id = '
             'r.participant_id\n'
             "    WHERE r.participant_id = OLD.participant_id AND r.status = 'confirmed' AND s.status = "
             "'completed' AND a.present + a.late > 0; INSERT INTO persons_trained_tallies (course_id, "
             'organisation_id, sex, persons)\n'
             '    SELECT course_id, coalesce(organisation_id, 0), sex, count(*) FROM trained_persons\n'
             '      WHERE participant_id = OLD.participant_id GROUP BY course_id, coalesce(organisation_id, 0), '
             'sex\n'
             '    UNION ALL\n'
             '    SELECT 0, coalesce(organisation_id, 0), sex, count(DISTINCT participant_id)\n'
             '      FROM trained_persons WHERE participant_id = OLD.participant_id GROUP BY '
             'coalesce(organisation_id, 0), sex\n'
             '    ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
             'persons_trained_tallies.persons + excluded.persons; END',
             'CREATE TRIGGER persons_trained_registrations_changed AFTER UPDATE OF status, training_session_id, '
             'participant_id ON registrations WHEN OLD.status IS NOT NEW.status OR OLD.training_session_id IS NOT '
             'NEW.training_session_id OR OLD.participant_id IS NOT NEW.participant_id BEGIN INSERT INTO '
             'persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
             '    SELECT course_id, coalesce(organisation_id, 0), sex, -count(*) FROM trained_persons\n'
             '      WHERE participant_id IN (OLD.participant_id, NEW.participant_id) GROUP BY course_id, '
             'coalesce(organisation_id, 0), sex\n'
             '    UNION ALL\n'
             '    SELECT 0, coalesce(organisation_id, 0), sex, -count(DISTINCT participant_id)\n'
             '      FROM trained_persons WHERE participant_id IN (OLD.participant_id, NEW.participant_id) GROUP BY '
             'coalesce(organisation_id, 0), sex\n'
             '    ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
             'persons_trained_tallies.persons + excluded.persons; DELETE FROM trained_persons WHERE participant_id '
             'IN (OLD.participant_id, NEW.participant_id); INSERT INTO trained_persons (participant_id, course_id, '
             'organisation_id, sex) SELECT DISTINCT r.participant_id, s.course_id, p.organisation_id, p.sex\n'
             '    FROM registrations AS r JOIN training_sessions AS s ON s.id = r.training_session_id\n'
             '    JOIN attendance_tallies AS a ON a.registration_id = r.id JOIN participants AS p ON p.id = '
             'r.participant_id\n'
             "    WHERE r.participant_id IN (OLD.participant_id, NEW.participant_id) AND r.status = 'confirmed' "
             "AND s.status = 'completed' AND a.present + a.late > 0; INSERT INTO persons_trained_tallies "
             '(course_id, organisation_id, sex, persons)\n'
             '    SELECT course_id, coalesce(organisation_id, 0), sex, count(*) FROM trained_persons\n'
             '      WHERE participant_id IN (OLD.participant_id, NEW.participant_id) GROUP BY course_id, '
             'coalesce(organisation_id, 0), sex\n'
             '    UNION ALL\n'
             '    SELECT 0, coalesce(organisation_id, 0), sex, count(DISTINCT participant_id)\n'
             '      FROM trained_persons WHERE participant_id IN (OLD.participant_id, NEW.participant_id) GROUP BY '
             'coalesce(organisation_id, 0), sex\n'
             '    ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
             'persons_trained_tallies.persons + excluded.persons; END',
             'CREATE TRIGGER persons_trained_marks_counted AFTER INSERT ON attendance_tallies WHEN NEW.present + '
             'NEW.late > 0 BEGIN INSERT INTO persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
             '    SELECT course_id, coalesce(organisation_id, 0), sex, -count(*) FROM trained_persons\n'
             '      WHERE participant_id IN (SELECT participant_id FROM registrations WHERE id = '
             'NEW.registration_id) GROUP BY course_id, coalesce(organisation_id, 0), sex\n'
             '    UNION ALL\n'
             '    SELECT 0, coalesce(organisation_id, 0), sex, -count(DISTINCT participant_id)\n'
             '      FROM trained_persons WHERE participant_id IN (SELECT participant_id FROM registrations WHERE '
             'id = NEW.registration_id) GROUP BY coalesce(organisation_id, 0), sex\n'
             '    ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
             'persons_trained_tallies.persons + excluded.persons; DELETE FROM trained_persons WHERE participant_id '
             'IN (SELECT participant_id FROM registrations WHERE id = NEW.registration_id); INSERT INTO '
             'trained_persons (participant_id, course_id, organisation_id, sex) SELECT DISTINCT r.participant_id, '
             's.course_id, p.organisation_id, p.sex\n'
             '    FROM registrations AS r JOIN training_sessions AS s ON s.id = r.training_session_id\n'
             '    JOIN attendance_tallies AS a ON a.registration_id = r.id JOIN participants AS p ON p.id = '
             'r.participant_id\n'
             '    WHERE r.participant_id IN (SELECT participant_id FROM registrations WHERE id = '
             "NEW.registration_id) AND r.status = 'confirmed' AND s.status = 'completed' AND a.present + a.late > "
             '0; INSERT INTO persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
             '    SELECT course_id, coalesce(organisation_id, 0), sex, count(*) FROM trained_persons\n'
             '      WHERE participant_id IN (SELECT participant_id FROM registrations WHERE id = '
             'NEW.registration_id) GROUP BY course_id, coalesce(organisation_id, 0), sex\n'
             '    UNION ALL\n'
             '    SELECT 0, coalesce(organisation_id, 0), sex, count(DISTINCT participant_id)\n'
             '      FROM trained_persons WHERE participant_id IN (SELECT participant_id FROM registrations WHERE '
             'id = NEW.registration_id) GROUP BY coalesce(organisation_id, 0), sex\n'
             '    ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
             'persons_trained_tallies.persons + excluded.persons; END',
             'CREATE TRIGGER persons_trained_marks_changed AFTER UPDATE OF present, late ON attendance_tallies '
             'WHEN (OLD.present + OLD.late > 0) IS NOT (NEW.present + NEW.late > 0) BEGIN INSERT INTO '
             'persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
             '    SELECT course_id, coalesce(organisation_id, 0), sex, -count(*) FROM trained_persons\n'
             '      WHERE participant_id IN (SELECT participant_id FROM registrations WHERE id = '
             'NEW.registration_id) GROUP BY course_id, coalesce(organisation_id, 0), sex\n'
             '    UNION ALL\n'
             '    SELECT 0, coalesce(organisation_id, 0), sex, -count(DISTINCT participant_id)\n'
             '      FROM trained_persons WHERE participant_id IN (SELECT participant_id FROM registrations WHERE '
             'id = NEW.registration_id) GROUP BY coalesce(organisation_id, 0), sex\n'
             '    ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
             'persons_trained_tallies.persons + excluded.persons; DELETE FROM trained_persons WHERE participant_id '
             'IN (SELECT participant_id FROM registrations WHERE id = NEW.registration_id); INSERT INTO '
             'trained_persons (participant_id, course_id, organisation_id, sex) SELECT DISTINCT r.participant_id, '
             's.course_id, p.organisation_id, p.sex\n'
             '    FROM registrations AS r JOIN training_sessions AS s ON s.id = r.training_session_id\n'
             '    JOIN attendance_tallies AS a ON a.registration_id = r.id JOIN participants AS p ON p.id = '
             'r.participant_id\n'
             '    WHERE r.participant_id IN (SELECT participant_id FROM registrations WHERE id = '
             "NEW.registration_id) AND r.status = 'confirmed' AND s.status = 'completed' AND a.present + a.late > "
             '0; INSERT INTO persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
             '    SELECT course_id, coalesce(organisation_id, 0), sex, count(*) FROM trained_persons\n'
             '      WHERE participant_id IN (SELECT participant_id FROM registrations WHERE id = '
             'NEW.registration_id) GROUP BY course_id, coalesce(organisation_id, 0), sex\n'
             '    UNION ALL\n'
             '    SELECT 0, coalesce(organisation_id, 0), sex, count(DISTINCT participant_id)\n'
             '      FROM trained_persons WHERE participant_id IN (SELECT participant_id FROM registrations WHERE '
             'id = NEW.registration_id) GROUP BY coalesce(organisation_id, 0), sex\n'
             '    ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
             'persons_trained_tallies.persons + excluded.persons; END',
             'CREATE TRIGGER persons_trained_trainings_changed AFTER UPDATE OF status, course_id ON '
             "training_sessions WHEN (OLD.status = 'completed' OR NEW.status = 'completed') AND (OLD.status IS NOT "
             'NEW.status OR OLD.course_id IS NOT NEW.course_id) BEGIN INSERT INTO persons_trained_tallies '
             '(course_id, organisation_id, sex, persons)\n'
             '    SELECT course_id, coalesce(organisation_id, 0), sex, -count(*) FROM trained_persons\n'
             '      WHERE participant_id IN (SELECT participant_id FROM registrations WHERE training_session_id = '
             'NEW.id) GROUP BY course_id, coalesce(organisation_id, 0), sex\n'
             '    UNION ALL\n'
             '    SELECT 0, coalesce(organisation_id, 0), sex, -count(DISTINCT participant_id)\n'
             '      FROM trained_persons WHERE participant_id IN (SELECT participant_id FROM registrations WHERE '
             'training_session_id = NEW.id) GROUP BY coalesce(organisation_id, 0), sex\n'
             '    ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
             'persons_trained_tallies.persons + excluded.persons; DELETE FROM trained_persons WHERE participant_id '
             'IN (SELECT participant_id FROM registrations WHERE training_session_id = NEW.id); INSERT INTO '
             'trained_persons (participant_id, course_id, organisation_id, sex) SELECT DISTINCT r.participant_id, '
             's.course_id, p.organisation_id, p.sex\n'
             '    FROM registrations AS r JOIN training_sessions AS s ON s.id = r.training_session_id\n'
             '    JOIN attendance_tallies AS a ON a.registration_id = r.id JOIN participants AS p ON p.id = '
             'r.participant_id\n'
             '    WHERE r.participant_id IN (SELECT participant_id FROM registrations WHERE training_session_id = '
             "NEW.id) AND r.status = 'confirmed' AND s.status = 'completed' AND a.present + a.late > 0; INSERT "
             'INTO persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
             '    SELECT course_id, coalesce(organisation_id, 0), sex, count(*) FROM trained_persons\n'
             '      WHERE participant_id IN (SELECT participant_id FROM registrations WHERE training_session_id = '
             'NEW.id) GROUP BY course_id, coalesce(organisation_id, 0), sex\n'
             '    UNION ALL\n'
             '    SELECT 0, coalesce(organisation_id, 0), sex, count(DISTINCT participant_id)\n'
             '      FROM trained_persons WHERE participant_id IN (SELECT participant_id FROM registrations WHERE '
             'training_session_id = NEW.id) GROUP BY coalesce(organisation_id, 0), sex\n'
             '    ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
             'persons_trained_tallies.persons + excluded.persons; END',
             'CREATE TRIGGER persons_trained_participants_changed AFTER UPDATE OF organisation_id, sex ON '
             'participants WHEN OLD.organisation_id IS NOT NEW.organisation_id OR OLD.sex IS NOT NEW.sex BEGIN '
             'INSERT INTO persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
             '    SELECT course_id, coalesce(organisation_id, 0), sex, -count(*) FROM trained_persons\n'
             '      WHERE participant_id = NEW.id GROUP BY course_id, coalesce(organisation_id, 0), sex\n'
             '    UNION ALL\n'
             '    SELECT 0, coalesce(organisation_id, 0), sex, -count(DISTINCT participant_id)\n'
             '      FROM trained_persons WHERE participant_id = NEW.id GROUP BY coalesce(organisation_id, 0), sex\n'
             '    ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
             'persons_trained_tallies.persons + excluded.persons; DELETE FROM trained_persons WHERE participant_id '
             '= NEW.id; INSERT INTO trained_persons (participant_id, course_id, organisation_id, sex) SELECT '
             'DISTINCT r.participant_id, s.course_id, p.organisation_id, p.sex\n'
             '    FROM registrations AS r JOIN training_sessions AS s ON s.id = r.training_session_id\n'
             '    JOIN attendance_tallies AS a ON a.registration_id = r.id JOIN participants AS p ON p.id = '
             'r.participant_id\n'
             "    WHERE r.participant_id = NEW.id AND r.status = 'confirmed' AND s.status = 'completed' AND "
             'a.present + a.late > 0; INSERT INTO persons_trained_tallies (course_id, organisation_id, sex, '
             'persons)\n'
             '    SELECT course_id, coalesce(organisation_id, 0), sex, count(*) FROM trained_persons\n'
             '      WHERE participant_id = NEW.id GROUP BY course_id, coalesce(organisation_id, 0), sex\n'
             '    UNION ALL\n'
             '    SELECT 0, coalesce(organisation_id, 0), sex, count(DISTINCT participant_id)\n'
             '      FROM trained_persons WHERE participant_id = NEW.id GROUP BY coalesce(organisation_id, 0), sex\n'
             '    ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
             'persons_trained_tallies.persons + excluded.persons; END'],
            ['DROP TRIGGER IF EXISTS persons_trained_registrations_deleted',
             'DROP TRIGGER IF EXISTS persons_trained_registrations_changed',
             'DROP TRIGGER IF EXISTS persons_trained_marks_counted',
             'DROP TRIGGER IF EXISTS persons_trained_marks_changed',
             'DROP TRIGGER IF EXISTS persons_trained_trainings_changed',
             'DROP TRIGGER IF EXISTS persons_trained_participants_changed'])}


revision = '0028_persons_trained'
down_revision = '0027_registration_list_keys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('trained_persons',
    sa.Column('participant_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('sex', sa.String(length=6), nullable=False),
    sa.PrimaryKeyConstraint('participant_id', 'course_id', name=op.f('pk_trained_persons'))
    )
    op.create_table('persons_trained_tallies',
    sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('organisation_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sex', sa.String(length=6), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('course_id', 'organisation_id', 'sex', name=op.f('pk_persons_trained_tallies'))
    )
    for statement in BACKFILL:
        op.execute(statement)
    for statement in TRIGGERS.get(op.get_bind().dialect.name, ([], []))[0]:
        op.execute(statement)


def downgrade():
    for statement in TRIGGERS.get(op.get_bind().dialect.name, ([], []))[1]:
        op.execute(statement)
    op.drop_table('persons_trained_tallies')
    op.drop_table('trained_persons')
