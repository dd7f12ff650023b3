"""evaluation tallies: each confirmed participant's pre-test and post-test per training, and their sums per training,
sex and organisation, kept by triggers on test responses, questionnaires, registrations and participants
(training_mgr/evaluation/tallies.py), so that the evaluation figures read a few rows per training instead of pairing
every response

Revision ID: 0033_evaluation_tallies
Revises: 0032_badge_replacements
Create Date: 2026-11-29 19:30:00.000000

The answers already stored are summed once, in the same transaction as the triggers are made.
"""
from alembic import op
import sqlalchemy as sa

# as in training_mgr/evaluation/tallies.py when this revision was written (a revision never changes)
BACKFILL = ['INSERT INTO evaluation_people (training_id, participant_id, sex, organisation_id, pre_taken, pre, post_taken, '
 'post)\n'
 '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
 "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN r.score END),\n"
 "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN r.score END)\n"
 '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
 "    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN ('pre', "
 "'post')\n"
 '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = g.participant_id\n'
 "    WHERE g.status = 'confirmed' AND TRUE AND TRUE\n"
 '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id',
 'INSERT INTO evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, post_responses,\n'
 '      post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
 '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0),\n'
 '      sum(post_taken), coalesce(sum(post), 0), sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 ELSE 0 '
 'END),\n'
 '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN pre END), 0), coalesce(sum(CASE WHEN '
 'pre_taken = 1 AND post_taken = 1 THEN post END), 0),\n'
 '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
 '    FROM evaluation_people WHERE TRUE\n'
 '    GROUP BY training_id, sex, coalesce(organisation_id, 0)']
TRIGGERS = {'postgresql': (['CREATE FUNCTION evaluation_tallies_refresh(trainings integer[], ids integer[]) RETURNS void '
                 'LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
                 '  IF cardinality(trainings) = 0 OR cardinality(ids) = 0 THEN\n'
                 '    RETURN;\n'
                 '  END IF;\n'
                 '  PERFORM pg_advisory_xact_lock(7301, t) FROM (SELECT DISTINCT t FROM unnest(trainings) AS t '
                 'ORDER BY t) AS locked;\n'
                 '  DELETE FROM evaluation_people WHERE training_id = ANY(trainings) AND participant_id = '
                 'ANY(ids);\n'
                 'INSERT INTO evaluation_people (training_id, participant_id, sex, organisation_id, pre_taken, '
                 'pre, post_taken, post)\n'
                 '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
                 "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN r.score "
                 'END),\n'
                 "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN "
                 'r.score END)\n'
                 '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
                 '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind '
                 "IN ('pre', 'post')\n"
                 '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
                 'g.participant_id\n'
                 "    WHERE g.status = 'confirmed' AND g.training_session_id = ANY(trainings) AND g.participant_id "
                 '= ANY(ids)\n'
                 '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id;\n'
                 'DELETE FROM evaluation_tallies WHERE training_id = ANY(trainings);\n'
                 'INSERT INTO evaluation_tallies (training_id, sex, organisation_id, pre_responses, pre_sum, '
                 'post_responses,\n'
                 '      post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
                 '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), '
                 '0),\n'
                 '      sum(post_taken), coalesce(sum(post), 0), sum(CASE WHEN pre_taken = 1 AND post_taken = 1 '
                 'THEN 1 ELSE 0 END),\n'
                 '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN pre END), 0), '
                 'coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0),\n'
                 '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
                 '    FROM evaluation_people WHERE training_id = ANY(trainings)\n'
                 '    GROUP BY training_id, sex, coalesce(organisation_id, 0);\n'
                 'END $$',
                 'CREATE FUNCTION evaluation_tallies_responses_added() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                 'BEGIN\n'
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
 'sqlite': (['CREATE TRIGGER evaluation_tallies_responses_added AFTER INSERT ON evaluation_responses BEGIN DELETE '
             'FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM evaluation_instruments '
             "WHERE id = NEW.instrument_id AND kind IN ('pre', 'post')) AND participant_id = NEW.participant_id; "
             'INSERT INTO evaluation_people (training_id, participant_id, sex, organisation_id, pre_taken, pre, '
             'post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN r.score "
             'END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN r.score "
             'END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id IN (SELECT training_session_id FROM "
             "evaluation_instruments WHERE id = NEW.instrument_id AND kind IN ('pre', 'post')) AND "
             'g.participant_id = NEW.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; DELETE FROM '
             'evaluation_tallies WHERE training_id IN (SELECT training_session_id FROM evaluation_instruments '
             "WHERE id = NEW.instrument_id AND kind IN ('pre', 'post')); INSERT INTO evaluation_tallies "
             '(training_id, sex, organisation_id, pre_responses, pre_sum, post_responses,\n'
             '      post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0),\n'
             '      sum(post_taken), coalesce(sum(post), 0), sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 '
             'ELSE 0 END),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN pre END), 0), coalesce(sum(CASE '
             'WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM '
             "evaluation_instruments WHERE id = NEW.instrument_id AND kind IN ('pre', 'post'))\n"
             '    GROUP BY training_id, sex, coalesce(organisation_id, 0); END',
             'CREATE TRIGGER evaluation_tallies_responses_removed AFTER DELETE ON evaluation_responses BEGIN '
             'DELETE FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM '
             "evaluation_instruments WHERE id = OLD.instrument_id AND kind IN ('pre', 'post')) AND participant_id "
             '= OLD.participant_id; INSERT INTO evaluation_people (training_id, participant_id, sex, '
             'organisation_id, pre_taken, pre, post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN r.score "
             'END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN r.score "
             'END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id IN (SELECT training_session_id FROM "
             "evaluation_instruments WHERE id = OLD.instrument_id AND kind IN ('pre', 'post')) AND "
             'g.participant_id = OLD.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; DELETE FROM '
             'evaluation_tallies WHERE training_id IN (SELECT training_session_id FROM evaluation_instruments '
             "WHERE id = OLD.instrument_id AND kind IN ('pre', 'post')); INSERT INTO evaluation_tallies "
             '(training_id, sex, organisation_id, pre_responses, pre_sum, post_responses,\n'
             '      post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0),\n'
             '      sum(post_taken), coalesce(sum(post), 0), sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 '
             'ELSE 0 END),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN pre END), 0), coalesce(sum(CASE '
             'WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM '
             "evaluation_instruments WHERE id = OLD.instrument_id AND kind IN ('pre', 'post'))\n"
             '    GROUP BY training_id, sex, coalesce(organisation_id, 0); END',
             'CREATE TRIGGER evaluation_tallies_responses_changed AFTER UPDATE OF score, participant_id, '
             'instrument_id ON evaluation_responses BEGIN DELETE FROM evaluation_people WHERE training_id IN '
             '(SELECT training_session_id FROM evaluation_instruments WHERE id = OLD.instrument_id AND kind IN '
             "('pre', 'post')) AND participant_id = OLD.participant_id; INSERT INTO evaluation_people "
             '(training_id, participant_id, sex, organisation_id, pre_taken, pre, post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN r.score "
             'END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN r.score "
             'END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id IN (SELECT training_session_id FROM "
             "evaluation_instruments WHERE id = OLD.instrument_id AND kind IN ('pre', 'post')) AND "
             'g.participant_id = OLD.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; DELETE FROM '
             'evaluation_tallies WHERE training_id IN (SELECT training_session_id FROM evaluation_instruments '
             "WHERE id = OLD.instrument_id AND kind IN ('pre', 'post')); INSERT INTO evaluation_tallies "
             '(training_id, sex, organisation_id, pre_responses, pre_sum, post_responses,\n'
             '      post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0),\n'
             '      sum(post_taken), coalesce(sum(post), 0), sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 '
             'ELSE 0 END),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN pre END), 0), coalesce(sum(CASE '
             'WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM '
             "evaluation_instruments WHERE id = OLD.instrument_id AND kind IN ('pre', 'post'))\n"
             '    GROUP BY training_id, sex, coalesce(organisation_id, 0); DELETE FROM evaluation_people WHERE '
             'training_id IN (SELECT training_session_id FROM evaluation_instruments WHERE id = NEW.instrument_id '
             "AND kind IN ('pre', 'post')) AND participant_id = NEW.participant_id; INSERT INTO evaluation_people "
             '(training_id, participant_id, sex, organisation_id, pre_taken, pre, post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN r.score "
             'END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN r.score "
             'END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id IN (SELECT training_session_id FROM "
             "evaluation_instruments WHERE id = NEW.instrument_id AND kind IN ('pre', 'post')) AND "
             'g.participant_id = NEW.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; DELETE FROM '
             'evaluation_tallies WHERE training_id IN (SELECT training_session_id FROM evaluation_instruments '
             "WHERE id = NEW.instrument_id AND kind IN ('pre', 'post')); INSERT INTO evaluation_tallies "
             '(training_id, sex, organisation_id, pre_responses, pre_sum, post_responses,\n'
             '      post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0),\n'
             '      sum(post_taken), coalesce(sum(post), 0), sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 '
             'ELSE 0 END),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN pre END), 0), coalesce(sum(CASE '
             'WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM '
             "evaluation_instruments WHERE id = NEW.instrument_id AND kind IN ('pre', 'post'))\n"
             '    GROUP BY training_id, sex, coalesce(organisation_id, 0); END',
             'CREATE TRIGGER evaluation_tallies_instruments_removed AFTER DELETE ON evaluation_instruments WHEN '
             "OLD.kind IN ('pre', 'post') BEGIN DELETE FROM evaluation_people WHERE training_id = "
             'OLD.training_session_id AND TRUE; INSERT INTO evaluation_people (training_id, participant_id, sex, '
             'organisation_id, pre_taken, pre, post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN r.score "
             'END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN r.score "
             'END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id = OLD.training_session_id AND TRUE\n"
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; DELETE FROM '
             'evaluation_tallies WHERE training_id = OLD.training_session_id; INSERT INTO evaluation_tallies '
             '(training_id, sex, organisation_id, pre_responses, pre_sum, post_responses,\n'
             '      post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0),\n'
             '      sum(post_taken), coalesce(sum(post), 0), sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 '
             'ELSE 0 END),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN pre END), 0), coalesce(sum(CASE '
             'WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = OLD.training_session_id\n'
             '    GROUP BY training_id, sex, coalesce(organisation_id, 0); END',
             'CREATE TRIGGER evaluation_tallies_registrations_added AFTER INSERT ON registrations WHEN NEW.status '
             "= 'confirmed' BEGIN DELETE FROM evaluation_people WHERE training_id = NEW.training_session_id AND "
             'participant_id = NEW.participant_id; INSERT INTO evaluation_people (training_id, participant_id, '
             'sex, organisation_id, pre_taken, pre, post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN r.score "
             'END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN r.score "
             'END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id = NEW.training_session_id AND "
             'g.participant_id = NEW.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; DELETE FROM '
             'evaluation_tallies WHERE training_id = NEW.training_session_id; INSERT INTO evaluation_tallies '
             '(training_id, sex, organisation_id, pre_responses, pre_sum, post_responses,\n'
             '      post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0),\n'
             '      sum(post_taken), coalesce(sum(post), 0), sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 '
             'ELSE 0 END),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN pre END), 0), coalesce(sum(CASE '
             'WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = NEW.training_session_id\n'
             '    GROUP BY training_id, sex, coalesce(organisation_id, 0); END',
             'CREATE TRIGGER evaluation_tallies_registrations_removed AFTER DELETE ON registrations BEGIN DELETE '
             'FROM evaluation_people WHERE training_id = OLD.training_session_id AND participant_id = '
             'OLD.participant_id; INSERT INTO evaluation_people (training_id, participant_id, sex, '
             'organisation_id, pre_taken, pre, post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN r.score "
             'END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN r.score "
             'END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id = OLD.training_session_id AND "
             'g.participant_id = OLD.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; DELETE FROM '
             'evaluation_tallies WHERE training_id = OLD.training_session_id; INSERT INTO evaluation_tallies '
             '(training_id, sex, organisation_id, pre_responses, pre_sum, post_responses,\n'
             '      post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0),\n'
             '      sum(post_taken), coalesce(sum(post), 0), sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 '
             'ELSE 0 END),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN pre END), 0), coalesce(sum(CASE '
             'WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = OLD.training_session_id\n'
             '    GROUP BY training_id, sex, coalesce(organisation_id, 0); END',
             'CREATE TRIGGER evaluation_tallies_registrations_changed AFTER UPDATE OF status, training_session_id, '
             'participant_id ON registrations WHEN OLD.status IS NOT NEW.status OR OLD.training_session_id IS NOT '
             'NEW.training_session_id OR OLD.participant_id IS NOT NEW.participant_id BEGIN DELETE FROM '
             'evaluation_people WHERE training_id = OLD.training_session_id AND participant_id = '
             'OLD.participant_id; INSERT INTO evaluation_people (training_id, participant_id, sex, '
             'organisation_id, pre_taken, pre, post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN r.score "
             'END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN r.score "
             'END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id = OLD.training_session_id AND "
             'g.participant_id = OLD.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; DELETE FROM '
             'evaluation_tallies WHERE training_id = OLD.training_session_id; INSERT INTO evaluation_tallies '
             '(training_id, sex, organisation_id, pre_responses, pre_sum, post_responses,\n'
             '      post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0),\n'
             '      sum(post_taken), coalesce(sum(post), 0), sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 '
             'ELSE 0 END),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN pre END), 0), coalesce(sum(CASE '
             'WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = OLD.training_session_id\n'
             '    GROUP BY training_id, sex, coalesce(organisation_id, 0); DELETE FROM evaluation_people WHERE '
             'training_id = NEW.training_session_id AND participant_id = NEW.participant_id; INSERT INTO '
             'evaluation_people (training_id, participant_id, sex, organisation_id, pre_taken, pre, post_taken, '
             'post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN r.score "
             'END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN r.score "
             'END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id = NEW.training_session_id AND "
             'g.participant_id = NEW.participant_id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; DELETE FROM '
             'evaluation_tallies WHERE training_id = NEW.training_session_id; INSERT INTO evaluation_tallies '
             '(training_id, sex, organisation_id, pre_responses, pre_sum, post_responses,\n'
             '      post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0),\n'
             '      sum(post_taken), coalesce(sum(post), 0), sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 '
             'ELSE 0 END),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN pre END), 0), coalesce(sum(CASE '
             'WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id = NEW.training_session_id\n'
             '    GROUP BY training_id, sex, coalesce(organisation_id, 0); END',
             'CREATE TRIGGER evaluation_tallies_participants_changed AFTER UPDATE OF sex, organisation_id ON '
             'participants WHEN OLD.sex IS NOT NEW.sex OR OLD.organisation_id IS NOT NEW.organisation_id BEGIN '
             'DELETE FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM registrations '
             'WHERE participant_id = NEW.id) AND participant_id = NEW.id; INSERT INTO evaluation_people '
             '(training_id, participant_id, sex, organisation_id, pre_taken, pre, post_taken, post)\n'
             '    SELECT g.training_session_id, g.participant_id, p.sex, p.organisation_id,\n'
             "      max(CASE WHEN i.kind = 'pre' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'pre' THEN r.score "
             'END),\n'
             "      max(CASE WHEN i.kind = 'post' THEN 1 ELSE 0 END), max(CASE WHEN i.kind = 'post' THEN r.score "
             'END)\n'
             '    FROM registrations AS g JOIN participants AS p ON p.id = g.participant_id\n'
             '    JOIN evaluation_instruments AS i ON i.training_session_id = g.training_session_id AND i.kind IN '
             "('pre', 'post')\n"
             '    JOIN evaluation_responses AS r ON r.instrument_id = i.id AND r.participant_id = '
             'g.participant_id\n'
             "    WHERE g.status = 'confirmed' AND g.training_session_id IN (SELECT training_session_id FROM "
             'registrations WHERE participant_id = NEW.id) AND g.participant_id = NEW.id\n'
             '    GROUP BY g.training_session_id, g.participant_id, p.sex, p.organisation_id; DELETE FROM '
             'evaluation_tallies WHERE training_id IN (SELECT training_session_id FROM registrations WHERE '
             'participant_id = NEW.id); INSERT INTO evaluation_tallies (training_id, sex, organisation_id, '
             'pre_responses, pre_sum, post_responses,\n'
             '      post_sum, paired, paired_pre_sum, paired_post_sum, increased)\n'
             '    SELECT training_id, sex, coalesce(organisation_id, 0), sum(pre_taken), coalesce(sum(pre), 0),\n'
             '      sum(post_taken), coalesce(sum(post), 0), sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN 1 '
             'ELSE 0 END),\n'
             '      coalesce(sum(CASE WHEN pre_taken = 1 AND post_taken = 1 THEN pre END), 0), coalesce(sum(CASE '
             'WHEN pre_taken = 1 AND post_taken = 1 THEN post END), 0),\n'
             '      sum(CASE WHEN pre_taken = 1 AND post_taken = 1 AND post > pre THEN 1 ELSE 0 END)\n'
             '    FROM evaluation_people WHERE training_id IN (SELECT training_session_id FROM registrations WHERE '
             'participant_id = NEW.id)\n'
             '    GROUP BY training_id, sex, coalesce(organisation_id, 0); END'],
            ['DROP TRIGGER IF EXISTS evaluation_tallies_responses_added',
             'DROP TRIGGER IF EXISTS evaluation_tallies_responses_removed',
             'DROP TRIGGER IF EXISTS evaluation_tallies_responses_changed',
             'DROP TRIGGER IF EXISTS evaluation_tallies_instruments_removed',
             'DROP TRIGGER IF EXISTS evaluation_tallies_registrations_added',
             'DROP TRIGGER IF EXISTS evaluation_tallies_registrations_removed',
             'DROP TRIGGER IF EXISTS evaluation_tallies_registrations_changed',
             'DROP TRIGGER IF EXISTS evaluation_tallies_participants_changed'])}


revision = '0033_evaluation_tallies'
down_revision = '0032_badge_replacements'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation_people',
    sa.Column('training_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('participant_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sex', sa.String(length=6), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('pre_taken', sa.Integer(), nullable=False),
    sa.Column('pre', sa.Float(), nullable=True),
    sa.Column('post_taken', sa.Integer(), nullable=False),
    sa.Column('post', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('training_id', 'participant_id', name=op.f('pk_evaluation_people'))
    )
    op.create_index('ix_evaluation_people_participant_id', 'evaluation_people', ['participant_id'], unique=False)
    op.create_table('evaluation_tallies',
    sa.Column('training_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sex', sa.String(length=6), nullable=False),
    sa.Column('organisation_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('pre_responses', sa.Integer(), nullable=False),
    sa.Column('pre_sum', sa.Float(), nullable=False),
    sa.Column('post_responses', sa.Integer(), nullable=False),
    sa.Column('post_sum', sa.Float(), nullable=False),
    sa.Column('paired', sa.Integer(), nullable=False),
    sa.Column('paired_pre_sum', sa.Float(), nullable=False),
    sa.Column('paired_post_sum', sa.Float(), nullable=False),
    sa.Column('increased', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('training_id', 'sex', 'organisation_id', name=op.f('pk_evaluation_tallies'))
    )
    for statement in BACKFILL:
        op.execute(statement)
    for statement in TRIGGERS.get(op.get_bind().dialect.name, ([], []))[0]:
        op.execute(statement)


def downgrade():
    for statement in TRIGGERS.get(op.get_bind().dialect.name, ([], []))[1]:
        op.execute(statement)
    op.drop_table('evaluation_tallies')
    op.drop_index('ix_evaluation_people_participant_id', table_name='evaluation_people')
    op.drop_table('evaluation_people')
