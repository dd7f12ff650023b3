"""attendance tallies: each registration's marks counted by kind (present, late, excused, all), kept by triggers on
attendance_marks (training_mgr/attendance/tallies.py), so that reports read one row per registration instead of
counting every mark

Revision ID: 0019_attendance_tallies
Revises: 0018_late_registration
Create Date: 2026-11-29 16:30:00.000000

The marks already stored are counted once, in the same transaction as the triggers are made.
"""
from alembic import op
import sqlalchemy as sa

# as in training_mgr/attendance/tallies.py when this revision was written (a revision never changes)
BACKFILL = "INSERT INTO attendance_tallies (registration_id, recorded, present, late, excused) SELECT m.registration_id, count(*), count(CASE WHEN m.status = 'present' THEN 1 END), count(CASE WHEN m.status = 'late' THEN 1 END), count(CASE WHEN m.status = 'excused' THEN 1 END) FROM attendance_marks AS m WHERE EXISTS (SELECT 1 FROM registrations WHERE id = m.registration_id) GROUP BY m.registration_id"
TRIGGERS = {'postgresql': (['CREATE FUNCTION attendance_tallies_add() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  INSERT INTO attendance_tallies (registration_id, recorded, present, late, excused) SELECT '
                 "m.registration_id, count(*), count(CASE WHEN m.status = 'present' THEN 1 END), count(CASE WHEN "
                 "m.status = 'late' THEN 1 END), count(CASE WHEN m.status = 'excused' THEN 1 END) FROM new_marks AS m "
                 'WHERE EXISTS (SELECT 1 FROM registrations WHERE id = m.registration_id) GROUP BY m.registration_id '
                 'ON CONFLICT (registration_id) DO UPDATE SET recorded = attendance_tallies.recorded + '
                 'excluded.recorded,\n'
                 '    present = attendance_tallies.present + excluded.present, late = attendance_tallies.late + '
                 'excluded.late,\n'
                 '    excused = attendance_tallies.excused + excluded.excused;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE FUNCTION attendance_tallies_remove() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  INSERT INTO attendance_tallies (registration_id, recorded, present, late, excused) SELECT '
                 "m.registration_id, -count(*), -count(CASE WHEN m.status = 'present' THEN 1 END), -count(CASE WHEN "
                 "m.status = 'late' THEN 1 END), -count(CASE WHEN m.status = 'excused' THEN 1 END) FROM old_marks AS m "
                 'WHERE EXISTS (SELECT 1 FROM registrations WHERE id = m.registration_id) GROUP BY m.registration_id '
                 'ON CONFLICT (registration_id) DO UPDATE SET recorded = attendance_tallies.recorded + '
                 'excluded.recorded,\n'
                 '    present = attendance_tallies.present + excluded.present, late = attendance_tallies.late + '
                 'excluded.late,\n'
                 '    excused = attendance_tallies.excused + excluded.excused;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE FUNCTION attendance_tallies_move() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  IF OLD.status IS DISTINCT FROM NEW.status OR OLD.registration_id IS DISTINCT FROM '
                 'NEW.registration_id THEN\n'
                 '    INSERT INTO attendance_tallies (registration_id, recorded, present, late, excused) SELECT '
                 "OLD.registration_id, -1, -(CASE WHEN OLD.status = 'present' THEN 1 ELSE 0 END), -(CASE WHEN "
                 "OLD.status = 'late' THEN 1 ELSE 0 END), -(CASE WHEN OLD.status = 'excused' THEN 1 ELSE 0 END) WHERE "
                 'EXISTS (SELECT 1 FROM registrations WHERE id = OLD.registration_id) ON CONFLICT (registration_id) DO '
                 'UPDATE SET recorded = attendance_tallies.recorded + excluded.recorded,\n'
                 '    present = attendance_tallies.present + excluded.present, late = attendance_tallies.late + '
                 'excluded.late,\n'
                 '    excused = attendance_tallies.excused + excluded.excused;\n'
                 '    INSERT INTO attendance_tallies (registration_id, recorded, present, late, excused) SELECT '
                 "NEW.registration_id, 1, (CASE WHEN NEW.status = 'present' THEN 1 ELSE 0 END), (CASE WHEN NEW.status "
                 "= 'late' THEN 1 ELSE 0 END), (CASE WHEN NEW.status = 'excused' THEN 1 ELSE 0 END) WHERE EXISTS "
                 '(SELECT 1 FROM registrations WHERE id = NEW.registration_id) ON CONFLICT (registration_id) DO UPDATE '
                 'SET recorded = attendance_tallies.recorded + excluded.recorded,\n'
                 '    present = attendance_tallies.present + excluded.present, late = attendance_tallies.late + '
                 'excluded.late,\n'
                 '    excused = attendance_tallies.excused + excluded.excused;\n'
                 '  END IF;\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER attendance_tallies_insert AFTER INSERT ON attendance_marks REFERENCING NEW TABLE AS '
                 'new_marks FOR EACH STATEMENT EXECUTE FUNCTION attendance_tallies_add()',
                 'CREATE TRIGGER attendance_tallies_delete AFTER DELETE ON attendance_marks REFERENCING OLD TABLE AS '
                 'old_marks FOR EACH STATEMENT EXECUTE FUNCTION attendance_tallies_remove()',
                 'CREATE TRIGGER attendance_tallies_update AFTER UPDATE OF status, registration_id ON attendance_marks '
                 'FOR EACH ROW EXECUTE FUNCTION attendance_tallies_move()'],
                ['DROP TRIGGER IF EXISTS attendance_tallies_insert ON attendance_marks',
                 'DROP TRIGGER IF EXISTS attendance_tallies_delete ON attendance_marks',
                 'DROP TRIGGER IF EXISTS attendance_tallies_update ON attendance_marks',
                 'DROP FUNCTION IF EXISTS attendance_tallies_add()',
                 'DROP FUNCTION IF EXISTS attendance_tallies_remove()',
                 'DROP FUNCTION IF EXISTS attendance_tallies_move()']),
 'sqlite': (['CREATE TRIGGER attendance_tallies_insert AFTER INSERT ON attendance_marks BEGIN INSERT INTO '
             'attendance_tallies (registration_id, recorded, present, late, excused) SELECT NEW.registration_id, 1, '
             "(CASE WHEN NEW.status = 'present' THEN 1 ELSE 0 END), (CASE WHEN NEW.status = 'late' THEN 1 ELSE 0 END), "
             "(CASE WHEN NEW.status = 'excused' THEN 1 ELSE 0 END) WHERE EXISTS (SELECT 1 FROM registrations WHERE id "
             '= NEW.registration_id) ON CONFLICT (registration_id) DO UPDATE SET recorded = '
             'attendance_tallies.recorded + excluded.recorded,\n'
             '    present = attendance_tallies.present + excluded.present, late = attendance_tallies.late + '
             'excluded.late,\n'
             '    excused = attendance_tallies.excused + excluded.excused; END',
             'CREATE TRIGGER attendance_tallies_delete AFTER DELETE ON attendance_marks BEGIN INSERT INTO '
             'attendance_tallies (registration_id, recorded, present, late, excused) SELECT OLD.registration_id, -1, '
             "-(CASE WHEN OLD.status = 'present' THEN 1 ELSE 0 END), -(CASE WHEN OLD.status = 'late' THEN 1 ELSE 0 "
             "END), -(CASE WHEN OLD.status = 'excused' THEN 1 ELSE 0 END) WHERE EXISTS (SELECT 1 FROM registrations "
             'WHERE id = OLD.registration_id) ON CONFLICT (registration_id) DO UPDATE SET recorded = '
             'attendance_tallies.recorded + excluded.recorded,\n'
             '    present = attendance_tallies.present + excluded.present, late = attendance_tallies.late + '
             'excluded.late,\n'
             '    excused = attendance_tallies.excused + excluded.excused; END',
             'CREATE TRIGGER attendance_tallies_update AFTER UPDATE OF status, registration_id ON attendance_marks '
             'WHEN OLD.status IS NOT NEW.status OR OLD.registration_id IS NOT NEW.registration_id BEGIN INSERT INTO '
             'attendance_tallies (registration_id, recorded, present, late, excused) SELECT OLD.registration_id, -1, '
             "-(CASE WHEN OLD.status = 'present' THEN 1 ELSE 0 END), -(CASE WHEN OLD.status = 'late' THEN 1 ELSE 0 "
             "END), -(CASE WHEN OLD.status = 'excused' THEN 1 ELSE 0 END) WHERE EXISTS (SELECT 1 FROM registrations "
             'WHERE id = OLD.registration_id) ON CONFLICT (registration_id) DO UPDATE SET recorded = '
             'attendance_tallies.recorded + excluded.recorded,\n'
             '    present = attendance_tallies.present + excluded.present, late = attendance_tallies.late + '
             'excluded.late,\n'
             '    excused = attendance_tallies.excused + excluded.excused; INSERT INTO attendance_tallies '
             '(registration_id, recorded, present, late, excused) SELECT NEW.registration_id, 1, (CASE WHEN NEW.status '
             "= 'present' THEN 1 ELSE 0 END), (CASE WHEN NEW.status = 'late' THEN 1 ELSE 0 END), (CASE WHEN NEW.status "
             "= 'excused' THEN 1 ELSE 0 END) WHERE EXISTS (SELECT 1 FROM registrations WHERE id = NEW.registration_id) "
             'ON CONFLICT (registration_id) DO UPDATE SET recorded = attendance_tallies.recorded + excluded.recorded,\n'
             '    present = attendance_tallies.present + excluded.present, late = attendance_tallies.late + '
             'excluded.late,\n'
             '    excused = attendance_tallies.excused + excluded.excused; END'],
            ['DROP TRIGGER IF EXISTS attendance_tallies_insert',
             'DROP TRIGGER IF EXISTS attendance_tallies_delete',
             'DROP TRIGGER IF EXISTS attendance_tallies_update'])}


revision = '0019_attendance_tallies'
down_revision = '0018_late_registration'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance_tallies',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('recorded', sa.Integer(), nullable=False),
    sa.Column('present', sa.Integer(), nullable=False),
    sa.Column('late', sa.Integer(), nullable=False),
    sa.Column('excused', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_attendance_tallies_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_attendance_tallies'))
    )
    op.execute(BACKFILL)
    for statement in TRIGGERS.get(op.get_bind().dialect.name, ([], []))[0]:
        op.execute(statement)


def downgrade():
    for statement in TRIGGERS.get(op.get_bind().dialect.name, ([], []))[1]:
        op.execute(statement)
    op.drop_table('attendance_tallies')
