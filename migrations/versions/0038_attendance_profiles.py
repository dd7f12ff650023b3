"""attendance profiles: each training's registrations counted by status and by their numbers of marks (present, late,
excused, all), kept by triggers on registrations and attendance tallies (training_mgr/reports/profiles.py), so that the
programme report sums its key figures per training from a few dozen rows instead of every registration

Revision ID: 0038_attendance_profiles
Revises: 0037_beyond_quota_seats
Create Date: 2026-11-29 20:20:00.000000

The registrations already stored are counted once, in the same transaction as the triggers are made.
"""
from alembic import op
import sqlalchemy as sa

# as in training_mgr/reports/profiles.py when this revision was written (a revision never changes)
BACKFILL = ['INSERT INTO attendance_profiles (training_session_id, status, present, late, excused, recorded, registrations) '
 'SELECT r.training_session_id AS training_session_id, r.status AS status, coalesce(a.present, 0) AS present, '
 'coalesce(a.late, 0) AS late, coalesce(a.excused, 0) AS excused, coalesce(a.recorded, 0) AS recorded, count(*) '
 'FROM registrations AS r LEFT JOIN attendance_tallies AS a ON a.registration_id = r.id GROUP BY '
 'r.training_session_id, r.status, coalesce(a.present, 0), coalesce(a.late, 0), coalesce(a.excused, 0), '
 'coalesce(a.recorded, 0)']
TRIGGERS = {'postgresql': (['CREATE FUNCTION attendance_profiles_registrations_added() RETURNS trigger LANGUAGE plpgsql AS '
                 '$$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  INSERT INTO attendance_profiles (training_session_id, status, present, late, excused, '
                 'recorded, registrations)\n'
                 '    SELECT training_session_id, status, present, late, excused, recorded, sum(n) FROM (SELECT '
                 'w.training_session_id AS training_session_id, w.status AS status, coalesce(a.present, 0) AS '
                 'present, coalesce(a.late, 0) AS late, coalesce(a.excused, 0) AS excused, coalesce(a.recorded, 0) '
                 'AS recorded, 1 AS n FROM new_rows AS w LEFT JOIN attendance_tallies AS a ON a.registration_id = '
                 'w.id) AS d\n'
                 '    WHERE EXISTS (SELECT 1 FROM training_sessions AS t WHERE t.id = d.training_session_id)\n'
                 '    GROUP BY training_session_id, status, present, late, excused, recorded ORDER BY '
                 'training_session_id, status, present, late, excused, recorded\n'
                 '    ON CONFLICT (training_session_id, status, present, late, excused, recorded) DO UPDATE SET '
                 'registrations = attendance_profiles.registrations + excluded.registrations;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE FUNCTION attendance_profiles_registration_removed() RETURNS trigger LANGUAGE plpgsql AS '
                 '$$\n'
                 'BEGIN\n'
                 '  INSERT INTO attendance_profiles (training_session_id, status, present, late, excused, '
                 'recorded, registrations)\n'
                 '    SELECT training_session_id, status, present, late, excused, recorded, sum(n) FROM (SELECT '
                 'OLD.training_session_id AS training_session_id, OLD.status AS status, coalesce(a.present, 0) AS '
                 'present, coalesce(a.late, 0) AS late, coalesce(a.excused, 0) AS excused, coalesce(a.recorded, 0) '
                 'AS recorded, -1 AS n FROM (SELECT 1) AS one LEFT JOIN attendance_tallies AS a ON '
                 'a.registration_id = OLD.id) AS d\n'
                 '    WHERE EXISTS (SELECT 1 FROM training_sessions AS t WHERE t.id = d.training_session_id)\n'
                 '    GROUP BY training_session_id, status, present, late, excused, recorded ORDER BY '
                 'training_session_id, status, present, late, excused, recorded\n'
                 '    ON CONFLICT (training_session_id, status, present, late, excused, recorded) DO UPDATE SET '
                 'registrations = attendance_profiles.registrations + excluded.registrations;\n'
                 '  RETURN OLD;\n'
                 'END $$',
                 'CREATE FUNCTION attendance_profiles_registration_moved() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  INSERT INTO attendance_profiles (training_session_id, status, present, late, excused, '
                 'recorded, registrations)\n'
                 '    SELECT training_session_id, status, present, late, excused, recorded, sum(n) FROM (SELECT '
                 'OLD.training_session_id AS training_session_id, OLD.status AS status, coalesce(a.present, 0) AS '
                 'present, coalesce(a.late, 0) AS late, coalesce(a.excused, 0) AS excused, coalesce(a.recorded, 0) '
                 'AS recorded, -1 AS n FROM (SELECT 1) AS one LEFT JOIN attendance_tallies AS a ON '
                 'a.registration_id = OLD.id UNION ALL SELECT NEW.training_session_id AS training_session_id, '
                 'NEW.status AS status, coalesce(a.present, 0) AS present, coalesce(a.late, 0) AS late, '
                 'coalesce(a.excused, 0) AS excused, coalesce(a.recorded, 0) AS recorded, 1 AS n FROM (SELECT 1) '
                 'AS one LEFT JOIN attendance_tallies AS a ON a.registration_id = NEW.id) AS d\n'
                 '    WHERE EXISTS (SELECT 1 FROM training_sessions AS t WHERE t.id = d.training_session_id)\n'
                 '    GROUP BY training_session_id, status, present, late, excused, recorded ORDER BY '
                 'training_session_id, status, present, late, excused, recorded\n'
                 '    ON CONFLICT (training_session_id, status, present, late, excused, recorded) DO UPDATE SET '
                 'registrations = attendance_profiles.registrations + excluded.registrations;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE FUNCTION attendance_profiles_marks_counted() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  INSERT INTO attendance_profiles (training_session_id, status, present, late, excused, '
                 'recorded, registrations)\n'
                 '    SELECT training_session_id, status, present, late, excused, recorded, sum(n) FROM (SELECT '
                 'r.training_session_id AS training_session_id, r.status AS status, 0 AS present, 0 AS late, 0 AS '
                 'excused, 0 AS recorded, -1 AS n FROM new_rows AS w JOIN registrations AS r ON r.id = '
                 'w.registration_id UNION ALL SELECT r.training_session_id AS training_session_id, r.status AS '
                 'status, coalesce(w.present, 0) AS present, coalesce(w.late, 0) AS late, coalesce(w.excused, 0) '
                 'AS excused, coalesce(w.recorded, 0) AS recorded, 1 AS n FROM new_rows AS w JOIN registrations AS '
                 'r ON r.id = w.registration_id) AS d\n'
                 '    WHERE EXISTS (SELECT 1 FROM training_sessions AS t WHERE t.id = d.training_session_id)\n'
                 '    GROUP BY training_session_id, status, present, late, excused, recorded ORDER BY '
                 'training_session_id, status, present, late, excused, recorded\n'
                 '    ON CONFLICT (training_session_id, status, present, late, excused, recorded) DO UPDATE SET '
                 'registrations = attendance_profiles.registrations + excluded.registrations;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE FUNCTION attendance_profiles_marks_changed() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  INSERT INTO attendance_profiles (training_session_id, status, present, late, excused, '
                 'recorded, registrations)\n'
                 '    SELECT training_session_id, status, present, late, excused, recorded, sum(n) FROM (SELECT '
                 'r.training_session_id AS training_session_id, r.status AS status, coalesce(o.present, 0) AS '
                 'present, coalesce(o.late, 0) AS late, coalesce(o.excused, 0) AS excused, coalesce(o.recorded, 0) '
                 'AS recorded, -1 AS n FROM old_rows AS o JOIN registrations AS r ON r.id = o.registration_id '
                 'UNION ALL SELECT r.training_session_id AS training_session_id, r.status AS status, '
                 'coalesce(w.present, 0) AS present, coalesce(w.late, 0) AS late, coalesce(w.excused, 0) AS '
                 'excused, coalesce(w.recorded, 0) AS recorded, 1 AS n FROM new_rows AS w JOIN registrations AS r '
                 'ON r.id = w.registration_id) AS d\n'
                 '    WHERE EXISTS (SELECT 1 FROM training_sessions AS t WHERE t.id = d.training_session_id)\n'
                 '    GROUP BY training_session_id, status, present, late, excused, recorded ORDER BY '
                 'training_session_id, status, present, late, excused, recorded\n'
                 '    ON CONFLICT (training_session_id, status, present, late, excused, recorded) DO UPDATE SET '
                 'registrations = attendance_profiles.registrations + excluded.registrations;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE FUNCTION attendance_profiles_marks_removed() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  INSERT INTO attendance_profiles (training_session_id, status, present, late, excused, '
                 'recorded, registrations)\n'
                 '    SELECT training_session_id, status, present, late, excused, recorded, sum(n) FROM (SELECT '
                 'r.training_session_id AS training_session_id, r.status AS status, coalesce(o.present, 0) AS '
                 'present, coalesce(o.late, 0) AS late, coalesce(o.excused, 0) AS excused, coalesce(o.recorded, 0) '
                 'AS recorded, -1 AS n FROM old_rows AS o JOIN registrations AS r ON r.id = o.registration_id '
                 'UNION ALL SELECT r.training_session_id AS training_session_id, r.status AS status, 0 AS present, '
                 '0 AS late, 0 AS excused, 0 AS recorded, 1 AS n FROM old_rows AS o JOIN registrations AS r ON '
                 'r.id = o.registration_id) AS d\n'
                 '    WHERE EXISTS (SELECT 1 FROM training_sessions AS t WHERE t.id = d.training_session_id)\n'
                 '    GROUP BY training_session_id, status, present, late, excused, recorded ORDER BY '
                 'training_session_id, status, present, late, excused, recorded\n'
                 '    ON CONFLICT (training_session_id, status, present, late, excused, recorded) DO UPDATE SET '
                 'registrations = attendance_profiles.registrations + excluded.registrations;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER attendance_profiles_registrations_added AFTER INSERT ON registrations REFERENCING '
                 'NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'attendance_profiles_registrations_added()',
                 'CREATE TRIGGER attendance_profiles_registration_removed BEFORE DELETE ON registrations FOR EACH '
                 'ROW EXECUTE FUNCTION attendance_profiles_registration_removed()',
                 'CREATE TRIGGER attendance_profiles_registration_moved AFTER UPDATE OF status, '
                 'training_session_id ON registrations FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status '
                 'OR OLD.training_session_id IS DISTINCT FROM NEW.training_session_id) EXECUTE FUNCTION '
                 'attendance_profiles_registration_moved()',
                 'CREATE TRIGGER attendance_profiles_marks_counted AFTER INSERT ON attendance_tallies REFERENCING '
                 'NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_profiles_marks_counted()',
                 'CREATE TRIGGER attendance_profiles_marks_changed AFTER UPDATE ON attendance_tallies REFERENCING '
                 'OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'attendance_profiles_marks_changed()',
                 'CREATE TRIGGER attendance_profiles_marks_removed AFTER DELETE ON attendance_tallies REFERENCING '
                 'OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_profiles_marks_removed()'],
                ['DROP TRIGGER IF EXISTS attendance_profiles_registrations_added ON registrations',
                 'DROP TRIGGER IF EXISTS attendance_profiles_registration_removed ON registrations',
                 'DROP TRIGGER IF EXISTS attendance_profiles_registration_moved ON registrations',
                 'DROP TRIGGER IF EXISTS attendance_profiles_marks_counted ON attendance_tallies',
                 'DROP TRIGGER IF EXISTS attendance_profiles_marks_changed ON attendance_tallies',
                 'DROP TRIGGER IF EXISTS attendance_profiles_marks_removed ON attendance_tallies',
                 'DROP FUNCTION IF EXISTS attendance_profiles_registrations_added()',
                 'DROP FUNCTION IF EXISTS attendance_profiles_registration_removed()',
                 'DROP FUNCTION IF EXISTS attendance_profiles_registration_moved()',
                 'DROP FUNCTION IF EXISTS attendance_profiles_marks_counted()',
                 'DROP FUNCTION IF EXISTS attendance_profiles_marks_changed()',
                 'DROP FUNCTION IF EXISTS attendance_profiles_marks_removed()']),
 'sqlite': (['CREATE TRIGGER attendance_profiles_registrations_added AFTER INSERT ON registrations BEGIN INSERT '
             'INTO attendance_profiles (training_session_id, status, present, late, excused, recorded, '
             'registrations)\n'
             '    SELECT training_session_id, status, present, late, excused, recorded, sum(n) FROM (SELECT '
             'NEW.training_session_id AS training_session_id, NEW.status AS status, coalesce(a.present, 0) AS '
             'present, coalesce(a.late, 0) AS late, coalesce(a.excused, 0) AS excused, coalesce(a.recorded, 0) AS '
             'recorded, 1 AS n FROM (SELECT 1) AS one LEFT JOIN attendance_tallies AS a ON a.registration_id = '
             'NEW.id) AS d\n'
             '    WHERE EXISTS (SELECT 1 FROM training_sessions AS t WHERE t.id = d.training_session_id)\n'
             '    GROUP BY training_session_id, status, present, late, excused, recorded ORDER BY '
             'training_session_id, status, present, late, excused, recorded\n'
             '    ON CONFLICT (training_session_id, status, present, late, excused, recorded) DO UPDATE SET '
             'registrations = attendance_profiles.registrations + excluded.registrations; END',
             'CREATE TRIGGER attendance_profiles_registration_removed BEFORE DELETE ON registrations BEGIN INSERT '
             'INTO attendance_profiles (training_session_id, status, present, late, excused, recorded, '
             'registrations)\n'
             '    SELECT training_session_id, status, present, late, excused, recorded, sum(n) FROM (SELECT '
             'OLD.training_session_id AS training_session_id, OLD.status AS status, coalesce(a.present, 0) AS '
             'present, coalesce(a.late, 0) AS late, coalesce(a.excused, 0) AS excused, coalesce(a.recorded, 0) AS '
             'recorded, -1 AS n FROM (SELECT 1) AS one LEFT JOIN attendance_tallies AS a ON a.registration_id = '
             'OLD.id) AS d\n'
             '    WHERE EXISTS (SELECT 1 FROM training_sessions AS t WHERE t.id = d.training_session_id)\n'
             '    GROUP BY training_session_id, status, present, late, excused, recorded ORDER BY '
             'training_session_id, status, present, late, excused, recorded\n'
             '    ON CONFLICT (training_session_id, status, present, late, excused, recorded) DO UPDATE SET '
             'registrations = attendance_profiles.registrations + excluded.registrations; END',
             'CREATE TRIGGER attendance_profiles_registration_moved AFTER UPDATE OF status, training_session_id ON '
             'registrations WHEN OLD.status IS NOT NEW.status OR OLD.training_session_id IS NOT '
             'NEW.training_session_id BEGIN INSERT INTO attendance_profiles (training_session_id, status, present, '
             'late, excused, recorded, registrations)\n'
             '    SELECT training_session_id, status, present, late, excused, recorded, sum(n) FROM (SELECT '
             'OLD.training_session_id AS training_session_id, OLD.status AS status, coalesce(a.present, 0) AS '
             'present, coalesce(a.late, 0) AS late, coalesce(a.excused, 0) AS excused, coalesce(a.recorded, 0) AS '
             'recorded, -1 AS n FROM (SELECT 1) AS one LEFT JOIN attendance_tallies AS a ON a.registration_id = '
             'OLD.id UNION ALL SELECT NEW.training_session_id AS training_session_id, NEW.status AS status, '
             'coalesce(a.present, 0) AS present, coalesce(a.late, 0) AS late, coalesce(a.excused, 0) AS excused, '
             'coalesce(a.recorded, 0) AS recorded, 1 AS n FROM (SELECT 1) AS one LEFT JOIN attendance_tallies AS a '
             'ON a.registration_id = NEW.id) AS d\n'
             '    WHERE EXISTS (SELECT 1 FROM training_sessions AS t WHERE t.id = d.training_session_id)\n'
             '    GROUP BY training_session_id, status, present, late, excused, recorded ORDER BY '
             'training_session_id, status, present, late, excused, recorded\n'
             '    ON CONFLICT (training_session_id, status, present, late, excused, recorded) DO UPDATE SET '
             'registrations = attendance_profiles.registrations + excluded.registrations; END',
             'CREATE TRIGGER attendance_profiles_marks_counted AFTER INSERT ON attendance_tallies BEGIN INSERT '
             'INTO attendance_profiles (training_session_id, status, present, late, excused, recorded, '
             'registrations)\n'
             '    SELECT training_session_id, status, present, late, excused, recorded, sum(n) FROM (SELECT '
             'r.training_session_id AS training_session_id, r.status AS status, 0 AS present, 0 AS late, 0 AS '
             'excused, 0 AS recorded, -1 AS n FROM registrations AS r WHERE r.id = NEW.registration_id UNION ALL '
             'SELECT r.training_session_id AS training_session_id, r.status AS status, coalesce(NEW.present, 0) AS '
             'present, coalesce(NEW.late, 0) AS late, coalesce(NEW.excused, 0) AS excused, coalesce(NEW.recorded, '
             '0) AS recorded, 1 AS n FROM registrations AS r WHERE r.id = NEW.registration_id) AS d\n'
             '    WHERE EXISTS (SELECT 1 FROM training_sessions AS t WHERE t.id = d.training_session_id)\n'
             '    GROUP BY training_session_id, status, present, late, excused, recorded ORDER BY '
             'training_session_id, status, present, late, excused, recorded\n'
             '    ON CONFLICT (training_session_id, status, present, late, excused, recorded) DO UPDATE SET '
             'registrations = attendance_profiles.registrations + excluded.registrations; END',
             'CREATE TRIGGER attendance_profiles_marks_changed AFTER UPDATE ON attendance_tallies BEGIN INSERT '
             'INTO attendance_profiles (training_session_id, status, present, late, excused, recorded, '
             'registrations)\n'
             '    SELECT training_session_id, status, present, late, excused, recorded, sum(n) FROM (SELECT '
             'r.training_session_id AS training_session_id, r.status AS status, coalesce(OLD.present, 0) AS '
             'present, coalesce(OLD.late, 0) AS late, coalesce(OLD.excused, 0) AS excused, coalesce(OLD.recorded, '
             '0) AS recorded, -1 AS n FROM registrations AS r WHERE r.id = OLD.registration_id UNION ALL SELECT '
             'r.training_session_id AS training_session_id, r.status AS status, coalesce(NEW.present, 0) AS '
             'present, coalesce(NEW.late, 0) AS late, coalesce(NEW.excused, 0) AS excused, coalesce(NEW.recorded, '
             '0) AS recorded, 1 AS n FROM registrations AS r WHERE r.id = NEW.registration_id) AS d\n'
             '    WHERE EXISTS (SELECT 1 FROM training_sessions AS t WHERE t.id = d.training_session_id)\n'
             '    GROUP BY training_session_id, status, present, late, excused, recorded ORDER BY '
             'training_session_id, status, present, late, excused, recorded\n'
             '    ON CONFLICT (training_session_id, status, present, late, excused, recorded) DO UPDATE SET '
             'registrations = attendance_profiles.registrations + excluded.registrations; END',
             'CREATE TRIGGER attendance_profiles_marks_removed AFTER DELETE ON attendance_tallies BEGIN INSERT '
             'INTO attendance_profiles (training_session_id, status, present, late, excused, recorded, '
             'registrations)\n'
             '    SELECT training_session_id, status, present, late, excused, recorded, sum(n) FROM (SELECT '
             'r.training_session_id AS training_session_id, r.status AS status, coalesce(OLD.present, 0) AS '
             'present, coalesce(OLD.late, 0) AS late, coalesce(OLD.excused, 0) AS excused, coalesce(OLD.recorded, '
             '0) AS recorded, -1 AS n FROM registrations AS r WHERE r.id = OLD.registration_id UNION ALL SELECT '
             'r.training_session_id AS training_session_id, r.status AS status, 0 AS present, 0 AS late, 0 AS '
             'excused, 0 AS recorded, 1 AS n FROM registrations AS r WHERE r.id = OLD.registration_id) AS d\n'
             '    WHERE EXISTS (SELECT 1 FROM training_sessions AS t WHERE t.id = d.training_session_id)\n'
             '    GROUP BY training_session_id, status, present, late, excused, recorded ORDER BY '
             'training_session_id, status, present, late, excused, recorded\n'
             '    ON CONFLICT (training_session_id, status, present, late, excused, recorded) DO UPDATE SET '
             'registrations = attendance_profiles.registrations + excluded.registrations; END'],
            ['DROP TRIGGER IF EXISTS attendance_profiles_registrations_added',
             'DROP TRIGGER IF EXISTS attendance_profiles_registration_removed',
             'DROP TRIGGER IF EXISTS attendance_profiles_registration_moved',
             'DROP TRIGGER IF EXISTS attendance_profiles_marks_counted',
             'DROP TRIGGER IF EXISTS attendance_profiles_marks_changed',
             'DROP TRIGGER IF EXISTS attendance_profiles_marks_removed'])}


revision = '0038_attendance_profiles'
down_revision = '0037_beyond_quota_seats'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance_profiles',
    sa.Column('training_session_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('present', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('late', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('excused', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('recorded', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('registrations', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['training_session_id'], ['training_sessions.id'], name=op.f('fk_attendance_profiles_training_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('training_session_id', 'status', 'present', 'late', 'excused', 'recorded', name=op.f('pk_attendance_profiles'))
    )
    for statement in BACKFILL:
        op.execute(statement)
    for statement in TRIGGERS.get(op.get_bind().dialect.name, ([], []))[0]:
        op.execute(statement)


def downgrade():
    for statement in TRIGGERS.get(op.get_bind().dialect.name, ([], []))[1]:
        op.execute(statement)
    op.drop_table('attendance_profiles')
