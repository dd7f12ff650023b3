"""kept counts, faster: persons trained recounted from each person's registrations first (SQLite planned them from
every completed training's registrations), and the knowledge tests' sums kept as whole billionths, added and taken
out per person instead of summed again over the whole training at every answer (training_mgr/reports/tallies.py,
training_mgr/evaluation/tallies.py)

Revision ID: 0034_faster_kept_counts
Revises: 0033_evaluation_tallies
Create Date: 2026-11-29 19:40:00.000000

The evaluation tables are made again and filled from the answers; the persons trained keep their rows.
"""
import importlib.util
from pathlib import Path

from alembic import op
import sqlalchemy as sa

# as in training_mgr/reports/tallies.py and training_mgr/evaluation/tallies.py when this revision was written
PERSONS_TRIGGERS = {'postgresql': (['CREATE FUNCTION persons_trained_refresh(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  IF cardinality(ids) = 0 THEN\n'
                 '    RETURN;\n'
                 '  END IF;\n'
                 '  PERFORM 1 FROM participants WHERE id IN (SELECT unnest(ids)) ORDER BY id FOR NO KEY UPDATE;\n'
                 '  INSERT INTO persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
                 '    SELECT course_id, coalesce(organisation_id, 0), sex, -count(*) FROM trained_persons\n'
                 '      WHERE participant_id IN (SELECT unnest(ids)) GROUP BY course_id, coalesce(organisation_id, '
                 '0), sex\n'
                 '    UNION ALL\n'
                 '    SELECT 0, coalesce(organisation_id, 0), sex, -count(DISTINCT participant_id)\n'
                 '      FROM trained_persons WHERE participant_id IN (SELECT unnest(ids)) GROUP BY '
                 'coalesce(organisation_id, 0), sex\n'
                 '    ORDER BY 1, 2, 3\n'
                 '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
                 'persons_trained_tallies.persons + excluded.persons;\n'
                 'DELETE FROM trained_persons WHERE participant_id IN (SELECT unnest(ids));\n'
                 'INSERT INTO trained_persons (participant_id, course_id, organisation_id, sex) SELECT DISTINCT '
                 'r.participant_id, s.course_id, p.organisation_id, p.sex\n'
                 '    FROM registrations AS r CROSS JOIN training_sessions AS s CROSS JOIN attendance_tallies AS a '
                 'CROSS JOIN participants AS p\n'
                 '    WHERE r.participant_id IN (SELECT unnest(ids)) AND s.id = r.training_session_id AND '
                 'a.registration_id = r.id AND p.id = r.participant_id\n'
                 "      AND r.status = 'confirmed' AND s.status = 'completed' AND a.present + a.late > 0;\n"
                 'INSERT INTO persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
                 '    SELECT course_id, coalesce(organisation_id, 0), sex, count(*) FROM trained_persons\n'
                 '      WHERE participant_id IN (SELECT unnest(ids)) GROUP BY course_id, coalesce(organisation_id, '
                 '0), sex\n'
                 '    UNION ALL\n'
                 '    SELECT 0, coalesce(organisation_id, 0), sex, count(DISTINCT participant_id)\n'
                 '      FROM trained_persons WHERE participant_id IN (SELECT unnest(ids)) GROUP BY '
                 'coalesce(organisation_id, 0), sex\n'
                 '    ORDER BY 1, 2, 3\n'
                 '    ON CONFLICT (course_id, organisation_id, sex) DO UPDATE SET persons = '
                 'persons_trained_tallies.persons + excluded.persons;\n'
                 'END $$',
                 'CREATE FUNCTION persons_trained_registrations_deleted() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  PERFORM persons_trained_refresh(ARRAY(SELECT DISTINCT participant_id FROM old_rows));\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER persons_trained_registrations_deleted AFTER DELETE ON registrations REFERENCING '
                 'OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'persons_trained_registrations_deleted()',
                 'CREATE FUNCTION persons_trained_registrations_changed() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
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
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  PERFORM persons_trained_refresh(ARRAY(SELECT DISTINCT r.participant_id FROM new_rows AS n JOIN '
                 'registrations AS r ON r.id = n.registration_id\n'
                 '      WHERE n.present + n.late > 0));\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER persons_trained_marks_counted AFTER INSERT ON attendance_tallies REFERENCING NEW '
                 'TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION persons_trained_marks_counted()',
                 'CREATE FUNCTION persons_trained_marks_changed() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
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
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
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
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
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
             '    FROM registrations AS r CROSS JOIN training_sessions AS s CROSS JOIN attendance_tallies AS a '
             'CROSS JOIN participants AS p\n'
             '    WHERE r.participant_id = OLD.participant_id AND s.id = r.training_session_id AND '
             'a.registration_id = r.id AND p.id = r.participant_id\n'
             "      AND r.status = 'confirmed' AND s.status = 'completed' AND a.present + a.late > 0; INSERT INTO "
             'persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
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
             '    FROM registrations AS r CROSS JOIN training_sessions AS s CROSS JOIN attendance_tallies AS a '
             'CROSS JOIN participants AS p\n'
             '    WHERE r.participant_id IN (OLD.participant_id, NEW.participant_id) AND s.id = '
             'r.training_session_id AND a.registration_id = r.id AND p.id = r.participant_id\n'
             "      AND r.status = 'confirmed' AND s.status = 'completed' AND a.present + a.late > 0; INSERT INTO "
             'persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
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
             '    FROM registrations AS r CROSS JOIN training_sessions AS s CROSS JOIN attendance_tallies AS a '
             'CROSS JOIN participants AS p\n'
             '    WHERE r.participant_id IN (SELECT participant_id FROM registrations WHERE id = '
             'NEW.registration_id) AND s.id = r.training_session_id AND a.registration_id = r.id AND p.id = '
             'r.participant_id\n'
             "      AND r.status = 'confirmed' AND s.status = 'completed' AND a.present + a.late > 0; INSERT INTO "
             'persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
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
             '    FROM registrations AS r CROSS JOIN training_sessions AS s CROSS JOIN attendance_tallies AS a '
             'CROSS JOIN participants AS p\n'
             '    WHERE r.participant_id IN (SELECT participant_id FROM registrations WHERE id = '
             'NEW.registration_id) AND s.id = r.training_session_id AND a.registration_id = r.id AND p.id = '
             'r.participant_id\n'
             "      AND r.status = 'confirmed' AND s.status = 'completed' AND a.present + a.late > 0; INSERT INTO "
             'persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
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
             '    FROM registrations AS r CROSS JOIN training_sessions AS s CROSS JOIN attendance_tallies AS a '
             'CROSS JOIN participants AS p\n'
             '    WHERE r.participant_id IN (SELECT participant_id FROM registrations WHERE training_session_id = '
             'NEW.id) AND s.id = r.training_session_id AND a.registration_id = r.id AND p.id = r.participant_id\n'
             "      AND r.status = 'confirmed' AND s.status = 'completed' AND a.present + a.late > 0; INSERT INTO "
             'persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
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
             '    FROM registrations AS r CROSS JOIN training_sessions AS s CROSS JOIN attendance_tallies AS a '
             'CROSS JOIN participants AS p\n'
             '    WHERE r.participant_id = NEW.id AND s.id = r.training_session_id AND a.registration_id = r.id '
             'AND p.id = r.participant_id\n'
             "      AND r.status = 'confirmed' AND s.status = 'completed' AND a.present + a.late > 0; INSERT INTO "
             'persons_trained_tallies (course_id, organisation_id, sex, persons)\n'
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
EVALUATION_BACKFILL = ['INSERT INTO evaluation_people (training_id, participant_id, sex, organisation_id, pre_taken, pre, post_taken, '
 'post)\n'
 '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
 "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN CAST(round(r.score * "
 '1000000000) AS BIGINT) END),\n'
 "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN CAST(round(r.score * "
 '1000000000) AS BIGINT) END)\n'
 '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
 "    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN ('pre', "
 "'post')\n"
 '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = g.participant_id\n'
 "    WHERE g.status = 'confirmed' AND TRUE AND TRUE\n"
 '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id',
 'INSERT INTO evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
 'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
 '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0), '
 'sum(post_taken), coalesce(sum(post), 0),\n'
 '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), coalesce(sum(CASE WHEN pre_taken = 1 '
 'AND post_taken = 1 THEN pre END), 0),\n'
 '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), sum(CASE WHEN pre_taken = 1 '
 'AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
 '    FROM evaluation_people WHERE TRUE GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3']
EVALUATION_TRIGGERS = {'postgresql': (['CREATE FUNCTION evaluation_tallies_refresh(trainings integer[], ids integer[]) RETURNS void '
                 'LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  IF cardinality(trainings) = 0 OR cardinality(ids) = 0 THEN\n'
                 '    RETURN;\n'
                 '  END IF;\n'
                 '  PERFORM 1 FROM participants WHERE id IN (SELECT unnest(ids)) ORDER BY id FOR NO KEY UPDATE;\n'
                 '  INSERT INTO evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, '
                 'post_responses, post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
                 '    SELECT training_id, sex, coalesce(organisation_id, 0), -sum(pre_taken), -coalesce(sum(pre), '
                 '0), -sum(post_taken), -coalesce(sum(post), 0),\n'
                 '      -sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), -coalesce(sum(CASE '
                 'WHEN pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
                 '      -coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), -sum(CASE '
                 'WHEN pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
                 '    FROM evaluation_people WHERE training_id IN (SELECT unnest(trainings)) AND participant_id IN '
                 '(SELECT unnest(ids)) GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
                 '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
                 '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
                 'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = '
                 'evaluation_tallies.post_responses + excluded.post_responses, post_sum = '
                 'evaluation_tallies.post_sum + excluded.post_sum, paired = evaluation_tallies.paired + '
                 'excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + excluded.paired_pre_sum, '
                 'paired_post_sum = evaluation_tallies.paired_post_sum + excluded.paired_post_sum, increased = '
                 'evaluation_tallies.increased + excluded.increased;\n'
                 'DELETE FROM evaluation_people WHERE training_id IN (SELECT unnest(trainings)) AND participant_id '
                 'IN (SELECT unnest(ids));\n'
                 'INSERT INTO evaluation_people (training_id, participant_id, sex, organisation_id, pre_taken, '
                 'pre, post_taken, post)\n'
                 '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
                 "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN "
                 'CAST(round(r.score * 1000000000) AS BIGINT) END),\n'
                 "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN "
                 'CAST(round(r.score * 1000000000) AS BIGINT) END)\n'
                 '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
                 '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind '
                 "IN ('pre', 'post')\n"
                 '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
                 'g.participant_id\n'
                 "    WHERE g.status = 'confirmed' AND g.training_session_id IN (SELECT unnest(trainings)) AND "
                 'g.participant_id IN (SELECT unnest(ids))\n'
                 '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id;\n'
                 'INSERT INTO evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, '
                 'post_responses, post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
                 '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), '
                 '0), sum(post_taken), coalesce(sum(post), 0),\n'
                 '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), coalesce(sum(CASE WHEN '
                 'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
                 '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), sum(CASE WHEN '
                 'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
                 '    FROM evaluation_people WHERE training_id IN (SELECT unnest(trainings)) AND participant_id IN '
                 '(SELECT unnest(ids)) GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
                 '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
                 '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
                 'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = '
                 'evaluation_tallies.post_responses + excluded.post_responses, post_sum = '
                 'evaluation_tallies.post_sum + excluded.post_sum, paired = evaluation_tallies.paired + '
                 'excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + excluded.paired_pre_sum, '
                 'paired_post_sum = evaluation_tallies.paired_post_sum + excluded.paired_post_sum, increased = '
                 'evaluation_tallies.increased + excluded.increased;\n'
                 'END $$',
                 'CREATE FUNCTION evaluation_tallies_responses_added() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  PERFORM evaluation_tallies_refresh(ARRAY(SELECT DISTINCT i.training_session_id FROM new_rows '
                 "AS n JOIN evaluation_instruments AS i ON i.id = n.instrument_id WHERE i.kind IN ('pre', "
                 "'post')), ARRAY(SELECT DISTINCT participant_id FROM new_rows));\n"
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER evaluation_tallies_responses_added AFTER INSERT ON evaluation_responses '
                 'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'evaluation_tallies_responses_added()',
                 'CREATE FUNCTION evaluation_tallies_responses_removed() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  PERFORM evaluation_tallies_refresh(ARRAY(SELECT DISTINCT i.training_session_id FROM old_rows '
                 "AS o JOIN evaluation_instruments AS i ON i.id = o.instrument_id WHERE i.kind IN ('pre', "
                 "'post')), ARRAY(SELECT DISTINCT participant_id FROM old_rows));\n"
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER evaluation_tallies_responses_removed AFTER DELETE ON evaluation_responses '
                 'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'evaluation_tallies_responses_removed()',
                 'CREATE FUNCTION evaluation_tallies_responses_changed() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  PERFORM evaluation_tallies_refresh(ARRAY(SELECT i.training_session_id FROM old_rows AS o JOIN '
                 "evaluation_instruments AS i ON i.id = o.instrument_id WHERE i.kind IN ('pre', 'post')\n"
                 '      UNION SELECT i.training_session_id FROM new_rows AS n JOIN evaluation_instruments AS i ON '
                 "i.id = n.instrument_id WHERE i.kind IN ('pre', 'post')), ARRAY(SELECT participant_id FROM "
                 'old_rows UNION SELECT participant_id FROM new_rows));\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER evaluation_tallies_responses_changed AFTER UPDATE ON evaluation_responses '
                 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'evaluation_tallies_responses_changed()',
                 'CREATE FUNCTION evaluation_tallies_instruments_removed() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  PERFORM evaluation_tallies_refresh(ARRAY(SELECT DISTINCT training_session_id FROM old_rows '
                 "WHERE kind IN ('pre', 'post')), ARRAY(SELECT e.participant_id FROM evaluation_people AS e JOIN "
                 'old_rows AS o ON o.training_session_id = e.training_id));\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER evaluation_tallies_instruments_removed AFTER DELETE ON evaluation_instruments '
                 'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'evaluation_tallies_instruments_removed()',
                 'CREATE FUNCTION evaluation_tallies_registrations_added() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  PERFORM evaluation_tallies_refresh(ARRAY(SELECT DISTINCT training_session_id FROM new_rows '
                 "WHERE status = 'confirmed'), ARRAY(SELECT DISTINCT participant_id FROM new_rows WHERE status = "
                 "'confirmed'));\n"
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER evaluation_tallies_registrations_added AFTER INSERT ON registrations REFERENCING '
                 'NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'evaluation_tallies_registrations_added()',
                 'CREATE FUNCTION evaluation_tallies_registrations_removed() RETURNS trigger LANGUAGE plpgsql AS '
                 '$$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  PERFORM evaluation_tallies_refresh(ARRAY(SELECT DISTINCT training_session_id FROM old_rows), '
                 'ARRAY(SELECT DISTINCT participant_id FROM old_rows));\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER evaluation_tallies_registrations_removed AFTER DELETE ON registrations '
                 'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'evaluation_tallies_registrations_removed()',
                 'CREATE FUNCTION evaluation_tallies_registrations_changed() RETURNS trigger LANGUAGE plpgsql AS '
                 '$$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  PERFORM evaluation_tallies_refresh(ARRAY(SELECT o.training_session_id FROM old_rows AS o JOIN '
                 'new_rows AS n ON n.id = o.id WHERE (o.status, o.training_session_id,\n'
                 '      o.participant_id) IS DISTINCT FROM (n.status, n.training_session_id, n.participant_id)\n'
                 '      UNION SELECT n.training_session_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id '
                 'WHERE (o.status,\n'
                 '      o.training_session_id, o.participant_id) IS DISTINCT FROM (n.status, '
                 'n.training_session_id, n.participant_id)), ARRAY(SELECT o.participant_id FROM old_rows AS o JOIN '
                 'new_rows AS n ON n.id = o.id WHERE (o.status, o.training_session_id,\n'
                 '      o.participant_id) IS DISTINCT FROM (n.status, n.training_session_id, n.participant_id)\n'
                 '      UNION SELECT n.participant_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE '
                 '(o.status,\n'
                 '      o.training_session_id, o.participant_id) IS DISTINCT FROM (n.status, '
                 'n.training_session_id, n.participant_id)));\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER evaluation_tallies_registrations_changed AFTER UPDATE ON registrations '
                 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'evaluation_tallies_registrations_changed()',
                 'CREATE FUNCTION evaluation_tallies_participants_changed() RETURNS trigger LANGUAGE plpgsql AS '
                 '$$\n'
                 'BEGIN\n'
                 "  IF current_setting('training_mgr.kept_counts_deferred', true) = 'on' THEN\n"
                 '    RETURN NULL;  -- the bulk load counts its rows in one go\n'
                 '  END IF;\n'
                 '  PERFORM evaluation_tallies_refresh(ARRAY(SELECT DISTINCT e.training_id FROM evaluation_people '
                 'AS e JOIN new_rows AS n ON n.id = e.participant_id\n'
                 '      JOIN old_rows AS o ON o.id = n.id WHERE (o.sex, o.organisation_id) IS DISTINCT FROM '
                 '(n.sex, n.organisation_id)), ARRAY(SELECT n.id FROM new_rows AS n JOIN old_rows AS o ON o.id = '
                 'n.id\n'
                 '      WHERE (o.sex, o.organisation_id) IS DISTINCT FROM (n.sex, n.organisation_id)));\n'
                 '  RETURN NULL;\n'
                 'END $$',
                 'CREATE TRIGGER evaluation_tallies_participants_changed AFTER UPDATE ON participants REFERENCING '
                 'OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                 'evaluation_tallies_participants_changed()'],
                ['DROP TRIGGER IF EXISTS evaluation_tallies_responses_added ON evaluation_responses',
                 'DROP TRIGGER IF EXISTS evaluation_tallies_responses_removed ON evaluation_responses',
                 'DROP TRIGGER IF EXISTS evaluation_tallies_responses_changed ON evaluation_responses',
                 'DROP TRIGGER IF EXISTS evaluation_tallies_instruments_removed ON evaluation_instruments',
                 'DROP TRIGGER IF EXISTS evaluation_tallies_registrations_added ON registrations',
                 'DROP TRIGGER IF EXISTS evaluation_tallies_registrations_removed ON registrations',
                 'DROP TRIGGER IF EXISTS evaluation_tallies_registrations_changed ON registrations',
                 'DROP TRIGGER IF EXISTS evaluation_tallies_participants_changed ON participants',
                 'DROP FUNCTION IF EXISTS evaluation_tallies_responses_added()',
                 'DROP FUNCTION IF EXISTS evaluation_tallies_responses_removed()',
                 'DROP FUNCTION IF EXISTS evaluation_tallies_responses_changed()',
                 'DROP FUNCTION IF EXISTS evaluation_tallies_instruments_removed()',
                 'DROP FUNCTION IF EXISTS evaluation_tallies_registrations_added()',
                 'DROP FUNCTION IF EXISTS evaluation_tallies_registrations_removed()',
                 'DROP FUNCTION IF EXISTS evaluation_tallies_registrations_changed()',
                 'DROP FUNCTION IF EXISTS evaluation_tallies_participants_changed()',
                 'DROP FUNCTION IF EXISTS evaluation_tallies_refresh(integer[], integer[])']),
 'sqlite': (['CREATE TRIGGER evaluation_tallies_responses_added AFTER INSERT ON evaluation_responses BEGIN INSERT '
             'INTO evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), -sum(pre_taken), -coalesce(sum(pre), 0), '
             '-sum(post_taken), -coalesce(sum(post), 0),\n'
             '      -sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), -coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      -coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), -sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM '
             "evaluation_instruments WHERE id = NEW.instrument_id AND kind IN ('pre', 'post')) AND participant_id "
             '= NEW.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; DELETE FROM '
             'evaluation_people WHERE training_id IN (SELECT training_session_id FROM evaluation_instruments WHERE '
             "id = NEW.instrument_id AND kind IN ('pre', 'post')) AND participant_id = NEW.participant_id; INSERT "
             'INTO evaluation_people (training_id, participant_id, sex, organisation_id, pre_taken, pre, '
             'post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id IN (SELECT training_session_id FROM "
             "evaluation_instruments WHERE id = NEW.instrument_id AND kind IN ('pre', 'post')) AND "
             'g.participant_id = NEW.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; INSERT INTO '
             'evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0), '
             'sum(post_taken), coalesce(sum(post), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM '
             "evaluation_instruments WHERE id = NEW.instrument_id AND kind IN ('pre', 'post')) AND participant_id "
             '= NEW.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; END',
             'CREATE TRIGGER evaluation_tallies_responses_removed AFTER DELETE ON evaluation_responses BEGIN '
             'INSERT INTO evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, '
             'post_responses, post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), -sum(pre_taken), -coalesce(sum(pre), 0), '
             '-sum(post_taken), -coalesce(sum(post), 0),\n'
             '      -sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), -coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      -coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), -sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM '
             "evaluation_instruments WHERE id = OLD.instrument_id AND kind IN ('pre', 'post')) AND participant_id "
             '= OLD.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; DELETE FROM '
             'evaluation_people WHERE training_id IN (SELECT training_session_id FROM evaluation_instruments WHERE '
             "id = OLD.instrument_id AND kind IN ('pre', 'post')) AND participant_id = OLD.participant_id; INSERT "
             'INTO evaluation_people (training_id, participant_id, sex, organisation_id, pre_taken, pre, '
             'post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id IN (SELECT training_session_id FROM "
             "evaluation_instruments WHERE id = OLD.instrument_id AND kind IN ('pre', 'post')) AND "
             'g.participant_id = OLD.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; INSERT INTO '
             'evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0), '
             'sum(post_taken), coalesce(sum(post), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM '
             "evaluation_instruments WHERE id = OLD.instrument_id AND kind IN ('pre', 'post')) AND participant_id "
             '= OLD.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; END',
             'CREATE TRIGGER evaluation_tallies_responses_changed AFTER UPDATE OF score, participant_id, '
             'instrument_id ON evaluation_responses BEGIN INSERT INTO evaluation_tallies (training_id, sex, '
             'organisation_id, pre_responses, pre_sum, post_responses, post_sum, paired, paired_pre_sum, '
             'paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), -sum(pre_taken), -coalesce(sum(pre), 0), '
             '-sum(post_taken), -coalesce(sum(post), 0),\n'
             '      -sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), -coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      -coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), -sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM '
             "evaluation_instruments WHERE id = OLD.instrument_id AND kind IN ('pre', 'post')) AND participant_id "
             '= OLD.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; DELETE FROM '
             'evaluation_people WHERE training_id IN (SELECT training_session_id FROM evaluation_instruments WHERE '
             "id = OLD.instrument_id AND kind IN ('pre', 'post')) AND participant_id = OLD.participant_id; INSERT "
             'INTO evaluation_people (training_id, participant_id, sex, organisation_id, pre_taken, pre, '
             'post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id IN (SELECT training_session_id FROM "
             "evaluation_instruments WHERE id = OLD.instrument_id AND kind IN ('pre', 'post')) AND "
             'g.participant_id = OLD.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; INSERT INTO '
             'evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0), '
             'sum(post_taken), coalesce(sum(post), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM '
             "evaluation_instruments WHERE id = OLD.instrument_id AND kind IN ('pre', 'post')) AND participant_id "
             '= OLD.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; INSERT INTO '
             'evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), -sum(pre_taken), -coalesce(sum(pre), 0), '
             '-sum(post_taken), -coalesce(sum(post), 0),\n'
             '      -sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), -coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      -coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), -sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM '
             "evaluation_instruments WHERE id = NEW.instrument_id AND kind IN ('pre', 'post')) AND participant_id "
             '= NEW.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; DELETE FROM '
             'evaluation_people WHERE training_id IN (SELECT training_session_id FROM evaluation_instruments WHERE '
             "id = NEW.instrument_id AND kind IN ('pre', 'post')) AND participant_id = NEW.participant_id; INSERT "
             'INTO evaluation_people (training_id, participant_id, sex, organisation_id, pre_taken, pre, '
             'post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id IN (SELECT training_session_id FROM "
             "evaluation_instruments WHERE id = NEW.instrument_id AND kind IN ('pre', 'post')) AND "
             'g.participant_id = NEW.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; INSERT INTO '
             'evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0), '
             'sum(post_taken), coalesce(sum(post), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM '
             "evaluation_instruments WHERE id = NEW.instrument_id AND kind IN ('pre', 'post')) AND participant_id "
             '= NEW.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; END',
             'CREATE TRIGGER evaluation_tallies_instruments_removed AFTER DELETE ON evaluation_instruments WHEN '
             "OLD.kind IN ('pre', 'post') BEGIN INSERT INTO evaluation_tallies (training_id, sex, organisation_id, "
             'pre_responses, pre_sum, post_responses, post_sum, paired, paired_pre_sum, paired_post_sum, '
             'increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), -sum(pre_taken), -coalesce(sum(pre), 0), '
             '-sum(post_taken), -coalesce(sum(post), 0),\n'
             '      -sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), -coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      -coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), -sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = OLD.training_session_id AND TRUE GROUP BY '
             'training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; DELETE FROM '
             'evaluation_people WHERE training_id = OLD.training_session_id AND TRUE; INSERT INTO '
             'evaluation_people (training_id, participant_id, sex, organisation_id, pre_taken, pre, post_taken, '
             'post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id = OLD.training_session_id AND TRUE\n"
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; INSERT INTO '
             'evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0), '
             'sum(post_taken), coalesce(sum(post), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = OLD.training_session_id AND TRUE GROUP BY '
             'training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; END',
             'CREATE TRIGGER evaluation_tallies_registrations_added AFTER INSERT ON registrations WHEN NEW.status '
             "= 'confirmed' BEGIN INSERT INTO evaluation_tallies (training_id, sex, organisation_id, "
             'pre_responses, pre_sum, post_responses, post_sum, paired, paired_pre_sum, paired_post_sum, '
             'increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), -sum(pre_taken), -coalesce(sum(pre), 0), '
             '-sum(post_taken), -coalesce(sum(post), 0),\n'
             '      -sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), -coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      -coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), -sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = NEW.training_session_id AND participant_id = '
             'NEW.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; DELETE FROM '
             'evaluation_people WHERE training_id = NEW.training_session_id AND participant_id = '
             'NEW.participant_id; INSERT INTO evaluation_people (training_id, participant_id, sex, '
             'organisation_id, pre_taken, pre, post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id = NEW.training_session_id AND "
             'g.participant_id = NEW.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; INSERT INTO '
             'evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0), '
             'sum(post_taken), coalesce(sum(post), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = NEW.training_session_id AND participant_id = '
             'NEW.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; END',
             'CREATE TRIGGER evaluation_tallies_registrations_removed AFTER DELETE ON registrations BEGIN INSERT '
             'INTO evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), -sum(pre_taken), -coalesce(sum(pre), 0), '
             '-sum(post_taken), -coalesce(sum(post), 0),\n'
             '      -sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), -coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      -coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), -sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = OLD.training_session_id AND participant_id = '
             'OLD.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; DELETE FROM '
             'evaluation_people WHERE training_id = OLD.training_session_id AND participant_id = '
             'OLD.participant_id; INSERT INTO evaluation_people (training_id, participant_id, sex, '
             'organisation_id, pre_taken, pre, post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id = OLD.training_session_id AND "
             'g.participant_id = OLD.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; INSERT INTO '
             'evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0), '
             'sum(post_taken), coalesce(sum(post), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = OLD.training_session_id AND participant_id = '
             'OLD.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; END',
             'CREATE TRIGGER evaluation_tallies_registrations_changed AFTER UPDATE OF status, training_session_id, '
             'participant_id ON registrations WHEN OLD.status IS NOT NEW.status OR OLD.training_session_id IS NOT '
             'NEW.training_session_id OR OLD.participant_id IS NOT NEW.participant_id BEGIN INSERT INTO '
             'evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), -sum(pre_taken), -coalesce(sum(pre), 0), '
             '-sum(post_taken), -coalesce(sum(post), 0),\n'
             '      -sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), -coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      -coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), -sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = OLD.training_session_id AND participant_id = '
             'OLD.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; DELETE FROM '
             'evaluation_people WHERE training_id = OLD.training_session_id AND participant_id = '
             'OLD.participant_id; INSERT INTO evaluation_people (training_id, participant_id, sex, '
             'organisation_id, pre_taken, pre, post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id = OLD.training_session_id AND "
             'g.participant_id = OLD.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; INSERT INTO '
             'evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0), '
             'sum(post_taken), coalesce(sum(post), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = OLD.training_session_id AND participant_id = '
             'OLD.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; INSERT INTO '
             'evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), -sum(pre_taken), -coalesce(sum(pre), 0), '
             '-sum(post_taken), -coalesce(sum(post), 0),\n'
             '      -sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), -coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      -coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), -sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = NEW.training_session_id AND participant_id = '
             'NEW.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; DELETE FROM '
             'evaluation_people WHERE training_id = NEW.training_session_id AND participant_id = '
             'NEW.participant_id; INSERT INTO evaluation_people (training_id, participant_id, sex, '
             'organisation_id, pre_taken, pre, post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id = NEW.training_session_id AND "
             'g.participant_id = NEW.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; INSERT INTO '
             'evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0), '
             'sum(post_taken), coalesce(sum(post), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = NEW.training_session_id AND participant_id = '
             'NEW.participant_id GROUP BY training_id, sex, coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; END',
             'CREATE TRIGGER evaluation_tallies_participants_changed AFTER UPDATE OF sex, organisation_id ON '
             'participants WHEN OLD.sex IS NOT NEW.sex OR OLD.organisation_id IS NOT NEW.organisation_id BEGIN '
             'INSERT INTO evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, '
             'post_responses, post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), -sum(pre_taken), -coalesce(sum(pre), 0), '
             '-sum(post_taken), -coalesce(sum(post), 0),\n'
             '      -sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), -coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      -coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), -sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM registrations WHERE '
             'participant_id = NEW.id) AND participant_id = NEW.id GROUP BY training_id, sex, '
             'coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; DELETE FROM '
             'evaluation_people WHERE training_id IN (SELECT training_session_id FROM registrations WHERE '
             'participant_id = NEW.id) AND participant_id = NEW.id; INSERT INTO evaluation_people (training_id, '
             'participant_id, sex, organisation_id, pre_taken, pre, post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN "
             'CAST(round(r.score * 1000000000) AS BIGINT) END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id IN (SELECT training_session_id FROM "
             'registrations WHERE participant_id = NEW.id) AND g.participant_id = NEW.id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; INSERT INTO '
             'evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses, '
             'post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0), '
             'sum(post_taken), coalesce(sum(post), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 END), coalesce(sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 THEN pre END), 0),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0), sum(CASE WHEN '
             'pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM registrations WHERE '
             'participant_id = NEW.id) AND participant_id = NEW.id GROUP BY training_id, sex, '
             'coalesce(organisation_id, 0) ORDER BY 1, 2, 3\n'
             '    ON CONFLICT (training_id, sex, organisation_id) DO UPDATE SET\n'
             '      pre_responses = evaluation_tallies.pre_responses + excluded.pre_responses, pre_sum = '
             'evaluation_tallies.pre_sum + excluded.pre_sum, post_responses = evaluation_tallies.post_responses + '
             'excluded.post_responses, post_sum = evaluation_tallies.post_sum + excluded.post_sum, paired = '
             'evaluation_tallies.paired + excluded.paired, paired_pre_sum = evaluation_tallies.paired_pre_sum + '
             'excluded.paired_pre_sum, paired_post_sum = evaluation_tallies.paired_post_sum + '
             'excluded.paired_post_sum, increased = evaluation_tallies.increased + excluded.increased; END'],
            ['DROP TRIGGER IF EXISTS evaluation_tallies_responses_added',
             'DROP TRIGGER IF EXISTS evaluation_tallies_responses_removed',
             'DROP TRIGGER IF EXISTS evaluation_tallies_responses_changed',
             'DROP TRIGGER IF EXISTS evaluation_tallies_instruments_removed',
             'DROP TRIGGER IF EXISTS evaluation_tallies_registrations_added',
             'DROP TRIGGER IF EXISTS evaluation_tallies_registrations_removed',
             'DROP TRIGGER IF EXISTS evaluation_tallies_registrations_changed',
             'DROP TRIGGER IF EXISTS evaluation_tallies_participants_changed'])}


revision = '0034_faster_kept_counts'
down_revision = '0033_evaluation_tallies'
branch_labels = None
depends_on = None


def _revision(name):
    """An earlier revision of this folder, for its triggers as they were (a revision never changes)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(triggers, which):
    for statement in triggers.get(op.get_bind().dialect.name, ([], []))[which]:
        op.execute(statement)


def _evaluation_tables(score):
    op.create_table('evaluation_people',
    sa.Column('training_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('participant_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sex', sa.String(length=6), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('pre_taken', sa.Integer(), nullable=False),
    sa.Column('pre', score(), nullable=True),
    sa.Column('post_taken', sa.Integer(), nullable=False),
    sa.Column('post', score(), nullable=True),
    sa.PrimaryKeyConstraint('training_id', 'participant_id', name=op.f('pk_evaluation_people'))
    )
    op.create_index('ix_evaluation_people_participant_id', 'evaluation_people', ['participant_id'], unique=False)
    op.create_table('evaluation_tallies',
    sa.Column('training_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sex', sa.String(length=6), nullable=False),
    sa.Column('organisation_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('pre_responses', sa.Integer(), nullable=False),
    sa.Column('pre_sum', score(), nullable=False),
    sa.Column('post_responses', sa.Integer(), nullable=False),
    sa.Column('post_sum', score(), nullable=False),
    sa.Column('paired', sa.Integer(), nullable=False),
    sa.Column('paired_pre_sum', score(), nullable=False),
    sa.Column('paired_post_sum', score(), nullable=False),
    sa.Column('increased', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('training_id', 'sex', 'organisation_id', name=op.f('pk_evaluation_tallies'))
    )


def _drop_evaluation_tables():
    op.drop_table('evaluation_tallies')
    op.drop_index('ix_evaluation_people_participant_id', table_name='evaluation_people')
    op.drop_table('evaluation_people')


def upgrade():
    _run(PERSONS_TRIGGERS, 1)
    _run(EVALUATION_TRIGGERS, 1)
    _drop_evaluation_tables()
    _evaluation_tables(sa.BigInteger)
    for statement in EVALUATION_BACKFILL:
        op.execute(statement)
    _run(PERSONS_TRIGGERS, 0)
    _run(EVALUATION_TRIGGERS, 0)


def downgrade():
    persons, evaluation = _revision('0028_persons_trained'), _revision('0033_evaluation_tallies')
    _run(PERSONS_TRIGGERS, 1)
    _run(EVALUATION_TRIGGERS, 1)
    _drop_evaluation_tables()
    _evaluation_tables(sa.Float)
    for statement in evaluation.BACKFILL:
        op.execute(statement)
    _run(persons.TRIGGERS, 0)
    _run(evaluation.TRIGGERS, 0)
